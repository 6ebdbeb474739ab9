//! The hello CLI benchmark on the raw `wasip3` bindings: one line to stdout
//! through WASI 0.3.

struct Hello;

impl wasip3::exports::cli::run::Guest for Hello {
    async fn run() -> Result<(), ()> {
        let (mut tx, rx) = wasip3::wit_stream::new::<u8>();
        let (written, ()) = futures::join!(async { wasip3::cli::stdout::write_via_stream(rx).await }, async move {
            tx.write_all(b"Hello, WASI!\n".to_vec()).await;
        });
        written.map_err(|_| ())
    }
}

wasip3::cli::command::export!(Hello);

fn main() {}
