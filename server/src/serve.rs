//! Accepting connections with time limits: a client has a few seconds to send its request's
//! headers (a slow-loris client that trickles them is cut off) and the handlers bound the body's
//! reading; on the stop signal, no new connection is taken and those in flight finish their
//! requests.
//!
//! One line per request on the standard output, when asked (`log_requests`):
//! `2026-12-07T09:30:12Z GET /widget/data/16.bin 200 3ms`: the time (UTC), the method, the path
//! without its query, the status, the time taken; the client's address at the end only where the
//! configuration asks (`log_client_address`).

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long a request's headers may take to arrive, at most.
pub fn header_timeout(seconds: u64) -> Duration {
    Duration::from_secs(seconds.max(1))
}

/// What is written of each request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestLog {
    Nothing,
    Lines,
    LinesWithClient,
}

/// Serves `app` on `listener` until `stop` completes, then lets the connections in flight finish
/// (for at most 30 seconds).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    log: RequestLog,
    stop: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, say: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            let line =
                (log != RequestLog::Nothing).then(|| (request.method().clone(), request.uri().path().to_owned()));
            let answer = app.clone().oneshot(request);
            async move {
                let started = Instant::now();
                let response = answer.await?;
                if let Some((method, path)) = line {
                    let client =
                        if log == RequestLog::LinesWithClient { format!(" {}", peer.ip()) } else { String::new() };
                    println!(
                        "{} {method} {} {} {}ms{client}",
                        utc_now(),
                        printable(&path),
                        response.status().as_u16(),
                        started.elapsed().as_millis()
                    );
                }
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    let _ = tokio::time::timeout(Duration::from_secs(30), graceful.shutdown()).await;
}

/// The time now, UTC, to the second: `2026-12-07T09:30:12Z`.
fn utc_now() -> String {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let day = aiguillage_engine::Date((seconds / 86_400) as i32);
    let time = seconds % 86_400;
    format!("{day}T{:02}:{:02}:{:02}Z", time / 3600, time / 60 % 60, time % 60)
}

/// A path as one field of the line: no spaces or control characters, at most 200 characters.
fn printable(path: &str) -> String {
    path.chars().take(200).map(|c| if c.is_whitespace() || c.is_control() { '_' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_logged_path_is_one_field() {
        assert_eq!(super::printable("/widget/a b\n\u{7}"), "/widget/a_b__");
        assert_eq!(super::printable(&"x".repeat(300)).len(), 200);
        let now = super::utc_now();
        assert!(now.len() == 20 && now.ends_with('Z') && now.as_bytes()[10] == b'T', "{now}");
    }
}
