//! Connections: at most [`super::Limits::max_connections`] at once, and none kept by a client
//! that stalls.
//!
//! axum's `serve` sets no read timeout, so a client that opens a connection and sends its
//! headers a byte at a time, or never, held a task and a socket for ever (300 such clients made
//! the server unavailable). Each accepted socket is wrapped in [`TimedIo`]: when the client has
//! sent nothing new and the server has written nothing for [`super::Limits::idle_timeout`], the
//! next read fails and hyper closes the connection. An event stream stays open: the server writes
//! a keep-alive to it every 15 seconds, well within the timeout. A slow body is bounded as a whole
//! by the append handler ([`super::Limits::body_timeout`]).
//!
//! The limit is a semaphore: past it, `accept` waits for a connection to end, and new clients wait
//! in the kernel's backlog instead of taking memory and sockets.

use axum::serve::Listener;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// A listener handing out at most a bounded number of connections at once, each with an idle
/// timeout.
pub(crate) struct GuardedListener {
    listener: TcpListener,
    permits: Arc<Semaphore>,
    idle_timeout: Duration,
}

impl GuardedListener {
    pub fn new(listener: TcpListener, max_connections: usize, idle_timeout: Duration) -> Self {
        Self {
            listener,
            permits: Arc::new(Semaphore::new(max_connections.max(1))),
            idle_timeout,
        }
    }
}

impl Listener for GuardedListener {
    type Io = TimedIo;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            // The semaphore is never closed: acquiring only waits.
            let Ok(permit) = self.permits.clone().acquire_owned().await else {
                continue;
            };
            match self.listener.accept().await {
                Ok((stream, addr)) => {
                    // Small writes (an SSE event, a short answer) go out at once.
                    let _ = stream.set_nodelay(true);
                    return (TimedIo::new(stream, self.idle_timeout, permit), addr);
                }
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a little, as axum's own listener does, rather than spin.
                    eprintln!("dyad serve: accepting a connection failed: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

/// A socket whose reads fail once neither side has made progress for the idle timeout; it
/// holds its place among the connections until it is dropped.
pub(crate) struct TimedIo {
    stream: TcpStream,
    idle_timeout: Duration,
    deadline: Pin<Box<Sleep>>,
    _permit: OwnedSemaphorePermit,
}

impl TimedIo {
    fn new(stream: TcpStream, idle_timeout: Duration, permit: OwnedSemaphorePermit) -> Self {
        Self {
            stream,
            idle_timeout,
            deadline: Box::pin(tokio::time::sleep(idle_timeout)),
            _permit: permit,
        }
    }

    fn progressed(&mut self) {
        let next = Instant::now() + self.idle_timeout;
        self.deadline.as_mut().reset(next);
    }
}

impl AsyncRead for TimedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.progressed();
                }
                Poll::Ready(result)
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client sent nothing within the idle timeout",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for TimedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.progressed();
        }
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
