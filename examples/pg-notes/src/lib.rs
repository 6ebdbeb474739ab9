//! PostgreSQL from a wasio component through `tokio-postgres`.
//!
//! tokio-postgres speaks the protocol over any stream with tokio's I/O
//! traits; wasio's `TcpStream` has them (feature `tokio-io`). This module
//! holds what a component needs on top:
//!
//! - [`connect`]: one call from a [`Config`] (or a `postgres://` URL) to a
//!   [`Client`], with its connection driven by a wasio task;
//! - [`Pool`]: a few connections an instance keeps across requests, checked
//!   out one request at a time (so transactions work), with cached prepared
//!   statements, an idle timeout and reconnection after the server went away;
//! - [`Error`]: a failed connect or a `tokio_postgres::Error`, with the
//!   server's SQLSTATE.
//!
//! TLS to the database is not supported: `connect` uses `NoTls`.

use futures_channel::{mpsc, oneshot};
use futures_util::lock::{Mutex, OwnedMutexGuard};
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio_postgres::config::Host;
use tokio_postgres::error::SqlState;
use tokio_postgres::tls::NoTlsStream;
use tokio_postgres::{AsyncMessage, Client, Config, Connection, NoTls, Notification, Statement};
use wasio::net::TcpStream;
use wasio::time::Instant;

/// A connection's I/O half: drive it (await it, or poll its messages) for
/// the [`Client`] to make progress.
pub type PgConnection = Connection<TcpStream, NoTlsStream>;

/// Why a database call failed.
#[derive(Debug)]
pub enum Error {
    /// The TCP connection could not be made (refused, no route, name lookup).
    Connect(std::io::Error),
    /// The configuration names no TCP host or cannot be parsed.
    Config(String),
    /// An error from tokio-postgres: the server's own (with a SQLSTATE), a
    /// protocol error, or the connection closing under the call.
    Postgres(tokio_postgres::Error),
}

impl Error {
    /// The server's SQLSTATE, if the server reported the error.
    ///
    /// ```no_run
    /// # async fn f(pool: &pg_notes::Pool) {
    /// use tokio_postgres::error::SqlState;
    /// let db = pool.get().await.unwrap();
    /// let e = pg_notes::Error::from(db.execute("SELEC 1", &[]).await.unwrap_err());
    /// assert_eq!(e.sqlstate(), Some(&SqlState::SYNTAX_ERROR));
    /// # }
    /// ```
    pub fn sqlstate(&self) -> Option<&SqlState> {
        match self {
            Error::Postgres(e) => e.code(),
            _ => None,
        }
    }

    /// True when the database could not be reached or the connection broke:
    /// the request may succeed later (an HTTP service answers 503).
    ///
    /// ```
    /// let e = pg_notes::Error::Connect(std::io::ErrorKind::ConnectionRefused.into());
    /// assert!(e.is_unavailable());
    /// ```
    pub fn is_unavailable(&self) -> bool {
        match self {
            Error::Connect(_) => true,
            Error::Config(_) => false,
            Error::Postgres(e) => {
                e.is_closed()
                    || e.code().is_some_and(|c| {
                        // Class 08 (connection exception) and 57P01..57P03
                        // (the server shutting down or starting up).
                        c.code().starts_with("08")
                            || *c == SqlState::ADMIN_SHUTDOWN
                            || *c == SqlState::CRASH_SHUTDOWN
                            || *c == SqlState::CANNOT_CONNECT_NOW
                    })
                    || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
            }
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Connect(e) => write!(f, "cannot connect to the database: {e}"),
            Error::Config(e) => write!(f, "bad database configuration: {e}"),
            // tokio-postgres's Display leaves the server's message in the
            // source; give both.
            Error::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "{}: {}", db.severity(), db.message()),
                None => match std::error::Error::source(e) {
                    Some(s) => write!(f, "{e}: {s}"),
                    None => write!(f, "{e}"),
                },
            },
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect(e) => Some(e),
            Error::Config(_) => None,
            Error::Postgres(e) => Some(e),
        }
    }
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Self {
        Error::Postgres(e)
    }
}

/// Parses a `postgres://user@host:port/db` URL or a `host=... port=...`
/// string.
///
/// ```
/// let config = pg_notes::config("postgres://app@127.0.0.1:5433/notes").unwrap();
/// assert_eq!(config.get_ports(), &[5433]);
/// assert!(pg_notes::config("postgres://[bad").is_err());
/// ```
pub fn config(url: &str) -> Result<Config, Error> {
    Config::from_str(url).map_err(|e| Error::Config(e.to_string()))
}

/// Opens the TCP connection `config` names and runs the startup
/// (authentication, parameters), returning the client and the connection
/// to drive. Most code wants [`connect`] (or [`listen`] for `NOTIFY`s); this
/// one is for driving the connection yourself, e.g. with
/// `PgConnection::poll_message`.
///
/// ```no_run
/// # async fn f() -> Result<(), pg_notes::Error> {
/// let config = pg_notes::config("postgres://app@127.0.0.1/notes")?;
/// let (client, connection) = pg_notes::connect_raw(&config).await?;
/// wasio::spawn(connection);
/// let row = client.query_one("SELECT 1 + 1", &[]).await?;
/// assert_eq!(row.get::<_, i32>(0), 2);
/// # Ok(()) }
/// ```
pub async fn connect_raw(config: &Config) -> Result<(Client, PgConnection), Error> {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        None => "localhost".to_string(),
        #[allow(unreachable_patterns)]
        Some(_) => return Err(Error::Config("only TCP hosts are supported".into())),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let stream = match config.get_connect_timeout() {
        Some(t) => wasio::time::timeout(*t, TcpStream::connect((host.as_str(), port)))
            .await
            .map_err(|_| Error::Connect(std::io::ErrorKind::TimedOut.into()))?,
        None => TcpStream::connect((host.as_str(), port)).await,
    }
    .map_err(Error::Connect)?;
    Ok(config.connect_raw(stream, NoTls).await?)
}

/// Connects and drives the connection on a wasio task, which ends when the
/// client is dropped or the server closes the connection.
///
/// ```no_run
/// # async fn f() -> Result<(), pg_notes::Error> {
/// let client = pg_notes::connect(&pg_notes::config("postgres://app@127.0.0.1/notes")?).await?;
/// let rows = client.query("SELECT id FROM notes WHERE id > $1", &[&0i64]).await?;
/// println!("{} notes", rows.len());
/// # Ok(()) }
/// ```
pub async fn connect(config: &Config) -> Result<Client, Error> {
    let (client, connection) = connect_raw(config).await?;
    wasio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// `LISTEN channel` on a connection of its own: the client, and the
/// notifications the connection's driver (a wasio task) forwards until the
/// client is dropped or the server goes away. `channel` must be a plain
/// lower-case identifier (it becomes part of the `LISTEN` statement).
///
/// ```no_run
/// # async fn f() -> Result<(), pg_notes::Error> {
/// use futures_util::StreamExt;
/// let config = pg_notes::config("postgres://app@127.0.0.1/notes")?;
/// let (client, mut notifications) = pg_notes::listen(&config, "notes").await?;
/// let first = notifications.next().await.expect("a notification");
/// assert_eq!(first.channel(), "notes");
/// drop(client); // closes the connection
/// # Ok(()) }
/// ```
pub async fn listen(config: &Config, channel: &str) -> Result<(Client, mpsc::UnboundedReceiver<Notification>), Error> {
    let plain = channel.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && channel.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !plain {
        return Err(Error::Config(format!("LISTEN channel {channel:?} is not a plain lower-case identifier")));
    }
    let (client, mut connection) = connect_raw(config).await?;
    let (tx, rx) = mpsc::unbounded();
    wasio::spawn(async move {
        while let Some(message) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    let _ = tx.unbounded_send(n);
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    });
    client.batch_execute(&format!("LISTEN {channel}")).await?;
    Ok((client, rx))
}

/// How a [`Pool`] keeps its connections.
#[derive(Clone, Debug)]
pub struct PoolOptions {
    /// At most this many connections per instance.
    pub size: usize,
    /// A connection unused for this long is closed. `Duration::ZERO` closes
    /// every connection when its request gives it back: right for hosts
    /// that run each request in a fresh instance (WASI 0.2 `wasmtime
    /// serve`), where a connection left open would keep the finished
    /// request's call alive.
    pub idle_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        PoolOptions { size: 4, idle_timeout: Duration::from_secs(10) }
    }
}

/// A few connections kept across the requests an instance serves.
///
/// [`Pool::get`] checks one out for the caller alone (a transaction needs
/// that) and gives it back on drop. A connection the server closed is
/// replaced on the next checkout. Each connection's driver runs on a wasio
/// task of the request that opened it; that request's call ends when the
/// connection closes, at the latest `idle_timeout` after its last use.
///
/// ```no_run
/// # async fn f() -> Result<(), pg_notes::Error> {
/// use pg_notes::{Pool, PoolOptions};
/// let pool = Pool::new(pg_notes::config("postgres://app@127.0.0.1/notes")?, PoolOptions::default());
/// let mut db = pool.get().await?;
/// let tx = db.transaction().await?;
/// tx.execute("DELETE FROM notes", &[]).await?;
/// tx.commit().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Pool {
    inner: Arc<PoolInner>,
}

struct PoolInner {
    config: Config,
    options: PoolOptions,
    slots: Vec<Arc<Mutex<Slot>>>,
    next: AtomicUsize,
    opened: AtomicU64,
}

#[derive(Default)]
struct Slot {
    client: Option<Client>,
    statements: HashMap<&'static str, Statement>,
    last_used: Option<Instant>,
    generation: u64,
    /// Dropped with the client: ends the slot's idle watch at once.
    watch: Option<oneshot::Sender<()>>,
}

impl Slot {
    /// Drops the connection (its driver then ends) and what belongs to it.
    fn close(&mut self) {
        self.client = None;
        self.statements.clear();
        self.watch = None;
    }
}

/// Counts of a [`Pool`]'s connections.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open now.
    pub open: usize,
    /// Connections opened since the pool was made.
    pub opened: u64,
}

impl Pool {
    /// A pool for `config`; connections open on first use.
    ///
    /// ```
    /// let pool = pg_notes::Pool::new(
    ///     pg_notes::config("postgres://app@127.0.0.1/notes").unwrap(),
    ///     pg_notes::PoolOptions { size: 2, ..Default::default() },
    /// );
    /// assert_eq!(pool.stats(), pg_notes::PoolStats { open: 0, opened: 0 });
    /// ```
    pub fn new(config: Config, options: PoolOptions) -> Pool {
        let size = options.size.max(1);
        Pool {
            inner: Arc::new(PoolInner {
                config,
                slots: (0..size).map(|_| Arc::new(Mutex::new(Slot::default()))).collect(),
                options,
                next: AtomicUsize::new(0),
                opened: AtomicU64::new(0),
            }),
        }
    }

    /// Checks out a connection: a free one if there is one, else the next in
    /// turn once its user gives it back. Connects if the slot has no live
    /// connection.
    ///
    /// ```no_run
    /// # async fn f(pool: pg_notes::Pool) -> Result<(), pg_notes::Error> {
    /// let db = pool.get().await?;
    /// let n: i64 = db.query_one("SELECT count(*) FROM notes", &[]).await?.get(0);
    /// # Ok(()) }
    /// ```
    pub async fn get(&self) -> Result<PooledClient, Error> {
        let inner = &self.inner;
        let free = inner.slots.iter().enumerate().find_map(|(i, s)| Some((i, s.clone().try_lock_owned()?)));
        let (i, mut slot) = match free {
            Some(free) => free,
            None => {
                let i = inner.next.fetch_add(1, Ordering::Relaxed) % inner.slots.len();
                (i, inner.slots[i].clone().lock_owned().await)
            }
        };
        if slot.client.as_ref().is_none_or(Client::is_closed) {
            slot.close();
            let client = connect(&inner.config).await?;
            inner.opened.fetch_add(1, Ordering::Relaxed);
            slot.generation += 1;
            slot.client = Some(client);
            let idle = inner.options.idle_timeout;
            if !idle.is_zero() {
                let (watch, closed) = oneshot::channel();
                slot.watch = Some(watch);
                let watched = close_when_idle(Arc::downgrade(&inner.slots[i]), slot.generation, idle);
                // Ends at the idle timeout, or as soon as the slot drops the
                // connection for another reason.
                wasio::spawn(async move {
                    futures_util::future::select(Box::pin(watched), closed).await;
                });
            }
        }
        Ok(PooledClient { slot, close_on_release: inner.options.idle_timeout.is_zero() })
    }

    /// Closes every connection nobody has checked out (their drivers end, and
    /// with them the tasks that kept request calls alive).
    ///
    /// ```no_run
    /// # async fn f(pool: pg_notes::Pool) {
    /// pool.close_idle();
    /// assert_eq!(pool.stats().open, 0);
    /// # }
    /// ```
    pub fn close_idle(&self) {
        for slot in &self.inner.slots {
            if let Some(mut s) = slot.try_lock() {
                s.close();
            }
        }
    }

    /// How many connections are open and have been opened.
    ///
    /// ```
    /// let pool = pg_notes::Pool::new(pg_notes::config("host=127.0.0.1").unwrap(), Default::default());
    /// assert_eq!(pool.stats().open, 0);
    /// ```
    pub fn stats(&self) -> PoolStats {
        let open = self
            .inner
            .slots
            .iter()
            .filter(|s| match s.try_lock() {
                Some(s) => s.client.as_ref().is_some_and(|c| !c.is_closed()),
                None => true,
            })
            .count();
        PoolStats { open, opened: self.inner.opened.load(Ordering::Relaxed) }
    }
}

/// Drops the slot's connection once it has been unused for `idle`, unless
/// the slot has moved on to another connection.
async fn close_when_idle(slot: std::sync::Weak<Mutex<Slot>>, generation: u64, idle: Duration) {
    let mut wait = idle;
    loop {
        wasio::time::sleep(wait).await;
        let Some(slot) = slot.upgrade() else { return };
        let Some(mut s) = slot.try_lock() else {
            // In use: look again a full period later.
            wait = idle;
            continue;
        };
        if s.generation != generation || s.client.as_ref().is_none_or(Client::is_closed) {
            return;
        }
        let used = s.last_used.map_or(idle, |t| t.elapsed());
        if used >= idle {
            s.close();
            return;
        }
        wait = idle - used;
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("options", &self.inner.options).field("stats", &self.stats()).finish()
    }
}

/// A connection checked out of a [`Pool`]; derefs to [`Client`].
pub struct PooledClient {
    slot: OwnedMutexGuard<Slot>,
    close_on_release: bool,
}

impl PooledClient {
    /// Prepares `sql` once per connection and reuses the statement.
    ///
    /// ```no_run
    /// # async fn f(pool: pg_notes::Pool) -> Result<(), pg_notes::Error> {
    /// let mut db = pool.get().await?;
    /// let by_id = db.prepare_cached("SELECT title FROM notes WHERE id = $1").await?;
    /// let row = db.query_opt(&by_id, &[&1i64]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn prepare_cached(&mut self, sql: &'static str) -> Result<Statement, Error> {
        if let Some(s) = self.slot.statements.get(sql) {
            return Ok(s.clone());
        }
        let statement = self.prepare(sql).await?;
        self.slot.statements.insert(sql, statement.clone());
        Ok(statement)
    }
}

impl std::fmt::Debug for PooledClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PooledClient").field("generation", &self.slot.generation).finish_non_exhaustive()
    }
}

impl Deref for PooledClient {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.slot.client.as_ref().expect("a checked-out slot holds a client")
    }
}

impl DerefMut for PooledClient {
    fn deref_mut(&mut self) -> &mut Client {
        self.slot.client.as_mut().expect("a checked-out slot holds a client")
    }
}

impl Drop for PooledClient {
    fn drop(&mut self) {
        self.slot.last_used = Some(Instant::now());
        if self.close_on_release {
            self.slot.close();
        }
    }
}
