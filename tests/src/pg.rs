//! A throw-away PostgreSQL cluster for the tests: `initdb` into a fresh
//! directory, `pg_ctl start` on a free port of 127.0.0.1 (its unix socket in
//! the same directory), stopped and deleted on drop, also when a test
//! fails. The server binaries come from the machine's PostgreSQL
//! (`pg_config --bindir`; `scripts/setup.sh` installs Debian's `postgresql`
//! package when they are missing). `initdb` refuses to run as root, so as
//! root every server command runs as the `postgres` user (`runuser`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// A running throw-away cluster with trust authentication for `postgres`.
#[derive(Debug)]
pub struct PgServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
    bindir: PathBuf,
    as_postgres: bool,
}

/// Where `initdb` and `pg_ctl` are.
fn bindir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if dir.join("initdb").exists() {
            return dir;
        }
    }
    // Debian puts the server binaries outside PATH.
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().expect("PostgreSQL server binaries (initdb): run scripts/setup.sh, which installs them")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl PgServer {
    /// Creates and starts a cluster.
    pub fn start() -> PgServer {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir =
            std::env::temp_dir().join(format!("wasio-pg-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let as_postgres = is_root();
        if as_postgres {
            let ok = Command::new("chown").arg("postgres:").arg(&dir).status().unwrap().success();
            assert!(ok, "chown postgres {}", dir.display());
        }
        let server = PgServer { port: crate::free_addr().port(), dir, bindir: bindir(), as_postgres };
        let data = server.dir.join("data");
        server.run(
            "initdb",
            &["-N", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "-D", data.to_str().unwrap()],
        );
        server.start_again();
        server
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bindir.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = self.command(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
        if !out.status.success() {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            panic!(
                "{program} {args:?} failed: {}\n{}\nserver log:\n{log}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// Starts the (stopped) server again on the same port and data.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.display()
        );
        let data = self.data_dir();
        let log = self.dir.join("log");
        self.run(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap(), "-w", "-t", "60", "-o", &options, "start"],
        );
    }

    /// Stops the server at once (`-m immediate`: connections are cut, as
    /// when a database host goes away).
    pub fn stop(&self) {
        let data = self.data_dir();
        self.run("pg_ctl", &["-D", data.to_str().unwrap(), "-m", "immediate", "-w", "stop"]);
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`, with `application_name`
    /// when given (to count a client's connections in `pg_stat_activity`).
    pub fn url(&self, application_name: Option<&str>) -> String {
        let mut url = format!("postgres://postgres@127.0.0.1:{}/postgres", self.port);
        if let Some(name) = application_name {
            url.push_str(&format!("?application_name={name}"));
        }
        url
    }

    /// A native tokio-postgres client (its connection on a tokio task).
    pub async fn client(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url(Some("wasio-tests")), tokio_postgres::NoTls)
            .await
            .expect("connecting to the test cluster");
        tokio::spawn(connection);
        client
    }

    /// Runs the SQL in `file` (e.g. an example's schema).
    pub async fn apply(&self, file: &Path) {
        let sql = std::fs::read_to_string(file).unwrap();
        self.client().await.batch_execute(&sql).await.expect("applying the schema");
    }

    /// Waits until some connection has run `LISTEN channel` (and is
    /// idle in it), polling `pg_stat_activity`; panics after 30 s.
    pub async fn wait_for_listener(&self, channel: &str) {
        let c = self.client().await;
        let statement = format!("LISTEN {channel}");
        for _ in 0..1500 {
            let n: i64 = c
                .query_one("SELECT count(*) FROM pg_stat_activity WHERE query = $1", &[&statement])
                .await
                .unwrap()
                .get(0);
            if n == 1 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("no connection ran `{statement}` within 30 s");
    }

    /// Connections from clients named `application_name`.
    pub async fn connections_of(&self, application_name: &str) -> i64 {
        let c = self.client().await;
        c.query_one("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", &[&application_name])
            .await
            .unwrap()
            .get(0)
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.data_dir();
        let _ = self.command("pg_ctl").args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
