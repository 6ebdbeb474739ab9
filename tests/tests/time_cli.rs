//! `wasio::time` under the `wasmtime` CLI, both builds: ten thousand
//! sleeps, the interval's missed-tick behaviours and the timers example.
//! (Timers on the embedded host: `time_timers.rs`.)

use wasio_tests::{BACKENDS, run_cli_in};

#[test]
fn ten_thousand_sleeps_under_the_cli_fire_in_order() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("sleepers", &[], &["10000", "1000", "500"], b"");
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.starts_with("fired: 10000\nin deadline order: true\nnot early: true\npending after: 0\n"),
            "{stdout}"
        );
        let waits: u64 = stdout.lines().last().unwrap().trim_start_matches("host waits started: ").parse().unwrap();
        assert!(waits < 10_000, "host waits coalesced: {waits}");
    }
}

#[test]
fn interval_missed_tick_behaviours() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("interval_probe", &[], &[], b"");
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let parse = |name: &str| -> (Vec<u64>, u64) {
            let line = stdout.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name} in {stdout}"));
            let list = &line[line.find('[').unwrap() + 1..line.find(']').unwrap()];
            let ticks = list.split(", ").map(|v| v.parse().unwrap()).collect();
            let stalled = line.rsplit(' ').next().unwrap().parse().unwrap();
            (ticks, stalled)
        };
        // Burst: the missed ticks come back to back on the original schedule.
        let (burst, _) = parse("Burst");
        assert_eq!(burst, vec![0, 20, 40, 60, 80]);
        // Delay: after the late tick, the schedule restarts from it.
        let (delay, stalled) = parse("Delay");
        assert_eq!(&delay[..2], &[0, 20]);
        assert!(delay[2] >= stalled + 20, "{delay:?} stalled {stalled}");
        assert!(delay.windows(2).skip(2).all(|w| w[1] >= w[0] + 20), "{delay:?}");
        // Skip: next tick on the original grid after the stall.
        let (skip, stalled) = parse("Skip");
        assert_eq!(&skip[..2], &[0, 20]);
        assert!(skip.iter().all(|t| t % 20 == 0), "{skip:?}");
        assert!(skip[2] > stalled && skip[2] <= stalled + 20, "{skip:?} stalled {stalled}");
        assert_eq!(skip[3], skip[2] + 20);
    }
}

#[test]
fn timers_example_runs() {
    for b in BACKENDS {
        println!("checking the {b:?} build");
        let run_cli = |e: &str, f: &[&str], a: &[&str], i: &[u8]| run_cli_in(b, e, f, a, i);
        let out = run_cli("timers", &[], &[], b"");
        assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "tick 0 scheduled at +0 ms\ntick 1 scheduled at +20 ms\ntick 2 scheduled at +40 ms\n\
         tick 3 scheduled at +60 ms\ntick 4 scheduled at +80 ms\ntimeout fired: deadline has elapsed\n\
         fast sleep finished in time\nelapsed at least 120 ms: true\nwall clock after 2020: true\n"
        );
    }
}
