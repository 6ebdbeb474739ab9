//! Intentionally empty: see tests/.
