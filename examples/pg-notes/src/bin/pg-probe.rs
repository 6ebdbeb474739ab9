//! A command-line tour of tokio-postgres on wasio, printing one line per
//! check (the tests compare them): queries, prepared statements,
//! transactions, a streamed `COPY`, `LISTEN`/`NOTIFY`, and the errors a
//! user meets: unique violation, syntax error, the server ending the
//! connection mid-query, a refused connection.
//!
//! ```sh
//! wasmtime run -Sinherit-network -Sallow-ip-name-lookup \
//!     --env DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     target/wasm32-wasip2/release/pg-probe.wasm 127.0.0.1:1
//! ```
//! The argument is an address nothing listens on (for the refused check).

use futures_util::{SinkExt, StreamExt};
use pg_notes::Error;
use std::time::Duration;

#[wasio::main]
async fn main() -> Result<(), Error> {
    let url = wasio::env::var("DATABASE_URL").map_err(|e| Error::Config(e.to_string()))?;
    let config = pg_notes::config(&url)?;
    let mut client = pg_notes::connect(&config).await?;
    println!("connect: ok");

    // Queries and a prepared statement.
    client
        .batch_execute(
            "DROP TABLE IF EXISTS probe_items; \
             CREATE TABLE probe_items (id bigint PRIMARY KEY, name text NOT NULL UNIQUE)",
        )
        .await?;
    let insert = client.prepare("INSERT INTO probe_items (id, name) VALUES ($1, $2)").await?;
    for (id, name) in [(1i64, "one"), (2, "two"), (3, "three")] {
        client.execute(&insert, &[&id, &name]).await?;
    }
    let names: Vec<String> = client
        .query("SELECT name FROM probe_items WHERE id >= $1 ORDER BY id", &[&2i64])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    println!("prepared: {}", names.join(","));

    // Transactions: a rollback keeps nothing, a commit keeps the row.
    let tx = client.transaction().await?;
    tx.execute(&insert, &[&10i64, &"rolled back"]).await?;
    tx.rollback().await?;
    let tx = client.transaction().await?;
    tx.execute(&insert, &[&11i64, &"committed"]).await?;
    tx.commit().await?;
    let n: i64 = client.query_one("SELECT count(*) FROM probe_items", &[]).await?.get(0);
    println!("transaction: {n} rows");

    // COPY FROM STDIN, streamed: 10,000 rows made as they are sent.
    let sink = client.copy_in("COPY probe_items (id, name) FROM STDIN").await?;
    let mut sink = std::pin::pin!(sink);
    let mut rows = futures_util::stream::iter(100..10_100i64)
        .map(|i| Ok::<_, tokio_postgres::Error>(bytes::Bytes::from(format!("{i}\trow {i}\n"))));
    sink.send_all(&mut rows).await?;
    let copied = sink.as_mut().finish().await?;
    println!("copy: {copied}");

    // The server's errors, with their SQLSTATE.
    let e = Error::from(client.execute(&insert, &[&12i64, &"one"]).await.unwrap_err());
    println!("unique violation: {}", e.sqlstate().map_or("none", |c| c.code()));
    let e = Error::from(client.execute("SELEC 1", &[]).await.unwrap_err());
    println!("syntax error: {}", e.sqlstate().map_or("none", |c| c.code()));

    // LISTEN on a connection of its own, NOTIFY from another.
    let (listener, mut notifications) = pg_notes::listen(&config, "probe").await?;
    client.execute("SELECT pg_notify('probe', 'hello from NOTIFY')", &[]).await?;
    let got = wasio::time::timeout(Duration::from_secs(30), notifications.next()).await;
    let got = got.ok().flatten().map(|n| format!("{} {}", n.channel(), n.payload()));
    println!("notify: {}", got.unwrap_or_else(|| "nothing".into()));
    drop(listener);

    // The server ends a connection in the middle of a query.
    let victim = pg_notes::connect(&config).await?;
    let pid: i32 = victim.query_one("SELECT pg_backend_pid()", &[]).await?.get(0);
    let sleeping = victim.execute("SELECT pg_sleep(60)", &[]);
    let killer = async {
        // Wait until the query runs, then terminate its backend.
        loop {
            let active: i64 = client
                .query_one("SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", &[&pid])
                .await?
                .get(0);
            if active == 1 {
                break;
            }
            wasio::time::sleep(Duration::from_millis(20)).await;
        }
        client.execute("SELECT pg_terminate_backend($1)", &[&pid]).await
    };
    let (slept, killed) = futures_util::future::join(sleeping, killer).await;
    killed?;
    let e = Error::from(slept.unwrap_err());
    println!("terminated mid-query: {} unavailable={}", e.sqlstate().map_or("none", |c| c.code()), e.is_unavailable());
    let after = victim.execute("SELECT 1", &[]).await.map_err(Error::from);
    println!("next query: unavailable={} closed={}", after.is_err_and(|e| e.is_unavailable()), victim.is_closed());

    // A port nothing listens on.
    let refused = wasio::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:1".into());
    let (host, port) = refused.rsplit_once(':').expect("host:port");
    let mut bad = tokio_postgres::Config::new();
    bad.user("postgres").host(host).port(port.parse().expect("a port"));
    match pg_notes::connect(&bad).await {
        Err(Error::Connect(e)) => {
            println!("refused: {:?} unavailable={}", e.kind(), Error::Connect(e).is_unavailable())
        }
        Err(e) => println!("refused: other error {e}"),
        Ok(_) => println!("refused: connected"),
    }
    client.batch_execute("DROP TABLE probe_items").await?;
    Ok(())
}
