//! A proxy between Kafka clients and one broker that decodes every frame,
//! prints what it sees, and re-encodes it: a request's records are counted,
//! a response's errors are reported, and the broker's address in Metadata
//! responses is replaced by the proxy's own so clients stay on it. Frames of
//! APIs or versions this crate does not know pass through untouched.
//!
//! ```sh
//! cargo run -p kafkawire-examples --example inspect -- 127.0.0.1:19092 127.0.0.1:9092
//! kcat -b 127.0.0.1:19092 -L
//! ```

use std::error::Error;

use futures_util::{SinkExt, StreamExt};
use kafkawire::any::{AnyRequest, AnyResponse};
use kafkawire::frame::{RequestFrame, ResponseFrame};
use kafkawire::framed::{ClientCodec, IncomingRequest, IncomingResponse, ServerCodec};
use kafkawire_records::{Batch, BatchStream, ReadOptions};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::Framed;

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:19092".into());
    let upstream = args.next().unwrap_or_else(|| "127.0.0.1:9092".into());
    let listener = TcpListener::bind(&listen).await?;
    let local = listener.local_addr()?;
    // The tests read this line to learn the port when started on port 0.
    println!("listening on {local}, forwarding to {upstream}");
    loop {
        let (client, peer) = listener.accept().await?;
        let upstream = upstream.clone();
        tokio::spawn(async move {
            if let Err(e) = relay(client, &upstream, local.port()).await {
                eprintln!("{peer}: {e}");
            }
        });
    }
}

/// Relays one client connection until either side closes it.
async fn relay(client: TcpStream, upstream: &str, port: u16) -> Result<()> {
    let mut client = Framed::new(client, ServerCodec::new());
    let mut broker = Framed::new(TcpStream::connect(upstream).await?, ClientCodec::new());
    loop {
        tokio::select! {
            request = client.next() => match request.transpose()? {
                None => return Ok(()),
                Some(IncomingRequest::Known(frame)) => {
                    println!("-> {}", describe_request(&frame));
                    broker.send(*frame).await?;
                }
                Some(IncomingRequest::Unknown(raw)) => {
                    println!("-> API {} v{} (not known here, passed through)", raw.api_key.0, raw.api_version);
                    broker.send(raw).await?;
                }
            },
            response = broker.next() => match response.transpose()? {
                None => return Ok(()),
                Some(IncomingResponse::Known(mut frame)) => {
                    println!("<- {}", describe_response(&frame));
                    redirect(&mut frame.body, port);
                    client.send(*frame).await?;
                }
                Some(IncomingResponse::Unknown(raw)) => client.send(raw).await?,
            },
        }
    }
}

/// One line about a request; for Produce, how many records it carries.
fn describe_request(frame: &RequestFrame) -> String {
    let mut line = format!(
        "{} v{} #{} from {:?}",
        frame.body.name(),
        frame.version(),
        frame.header.correlation_id,
        frame.header.client_id.as_ref().map(|c| c.as_str()),
    );
    if let AnyRequest::Produce(produce) = &frame.body {
        let options = ReadOptions::default().max_batch_size(16 << 20);
        for topic in &produce.topic_data {
            for partition in &topic.partition_data {
                let records = partition.records.clone().unwrap_or_default();
                // Batch headers carry the count: no decompression needed.
                // (A legacy message set's entries are one message each.)
                let count: i64 = BatchStream::with_options(records, options)
                    .map_while(|batch| batch.ok())
                    .map(|batch| match batch {
                        Batch::V2(b) => i64::from(b.record_count),
                        Batch::Legacy(_) => 1,
                    })
                    .sum();
                line += &format!(
                    ", {}[{}]: {count} records",
                    topic.name.as_str(),
                    partition.index
                );
            }
        }
    }
    line
}

/// One line about a response: its correlation id and any top-level error.
fn describe_response(frame: &ResponseFrame) -> String {
    let error = match &frame.body {
        AnyResponse::ApiVersions(r) => r.error_code,
        AnyResponse::Fetch(r) => r.error_code,
        AnyResponse::FindCoordinator(r) => r.error_code,
        AnyResponse::JoinGroup(r) => r.error_code,
        AnyResponse::SyncGroup(r) => r.error_code,
        AnyResponse::Heartbeat(r) => r.error_code,
        _ => 0,
    };
    let mut line = format!(
        "{} v{} #{}",
        frame.body.name(),
        frame.version,
        frame.header.correlation_id
    );
    if error != 0 {
        line += &format!(" error {}", kafkawire::ErrorCode::from(error));
    }
    line
}

/// Points every broker in a Metadata response at this proxy (one upstream
/// broker, so one port), so the client's next connection comes here too.
fn redirect(body: &mut AnyResponse, port: u16) {
    if let AnyResponse::Metadata(metadata) = body {
        for broker in &mut metadata.brokers {
            broker.host = "127.0.0.1".into();
            broker.port = i32::from(port);
        }
    }
}
