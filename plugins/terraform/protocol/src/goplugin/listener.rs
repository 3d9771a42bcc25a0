//! Where the plugin listens, and the connection type handed to tonic.
//!
//! go-plugin on Linux/macOS listens on a unix socket named `plugin*` in `PLUGIN_UNIX_SOCKET_DIR`
//! or the temp dir (`serverListener_unix`), and removes it on close; on Windows it listens on TCP
//! `127.0.0.1` within `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT`. The client accepts either on any OS.

use std::hash::{BuildHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, UnixListener};

use super::handshake::{Addr, Handshake};

/// Which listener to open. Unix is what go-plugin does on Linux and what Terraform expects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Network {
    #[default]
    Unix,
    /// TCP on 127.0.0.1 in the `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT` range (go-plugin's Windows way).
    Tcp,
}

/// A bound listener. Dropping it removes the unix socket file.
pub struct Bound {
    /// What goes into the handshake line.
    pub addr: Addr,
    inner: Inner,
    _cleanup: Option<RemoveOnDrop>,
}

enum Inner {
    Unix(UnixListener),
    Tcp(TcpListener),
}

/// Removes the socket file when the server stops, also on error paths.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Binds as configured by the handshake environment.
pub fn bind(handshake: &Handshake, network: Network) -> Result<Bound, String> {
    match network {
        Network::Unix => {
            let dir = handshake
                .unix_socket_dir
                .clone()
                .unwrap_or_else(std::env::temp_dir);
            bind_unix(&dir)
        }
        Network::Tcp => bind_tcp(handshake.port_range().map_err(|e| e.to_string())?),
    }
}

/// Binds `<dir>/plugin<random digits>`; a name already taken (`AddrInUse`) is retried with
/// another, which makes the choice race-free like go-plugin's `os.CreateTemp`.
fn bind_unix(dir: &Path) -> Result<Bound, String> {
    let random = std::collections::hash_map::RandomState::new();
    for attempt in 0u32..100 {
        let mut h = random.build_hasher();
        h.write_u32(std::process::id());
        h.write_u32(attempt);
        let path = dir.join(format!("plugin{}", h.finish() % 10_000_000_000));
        match UnixListener::bind(&path) {
            Ok(listener) => {
                return Ok(Bound {
                    addr: Addr::Unix(path.clone()),
                    inner: Inner::Unix(listener),
                    _cleanup: Some(RemoveOnDrop(path)),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
            Err(e) => {
                return Err(format!(
                    "cannot listen on unix socket {}: {e}",
                    path.display()
                ));
            }
        }
    }
    Err(format!("no free unix socket name in {}", dir.display()))
}

/// First free port in the inclusive range; `(0, 0)` (variables unset) lets the OS pick.
fn bind_tcp((min, max): (u16, u16)) -> Result<Bound, String> {
    if min > max {
        return Err(format!(
            "PLUGIN_MIN_PORT value of {min} is greater than PLUGIN_MAX_PORT value of {max}"
        ));
    }
    for port in min..=max {
        let Ok(std_listener) = std::net::TcpListener::bind(("127.0.0.1", port)) else {
            continue;
        };
        let bound = std_listener.set_nonblocking(true).and_then(|()| {
            Ok((
                std_listener.local_addr()?,
                TcpListener::from_std(std_listener)?,
            ))
        });
        match bound {
            Ok((addr, listener)) => {
                return Ok(Bound {
                    addr: Addr::Tcp(addr),
                    inner: Inner::Tcp(listener),
                    _cleanup: None,
                });
            }
            Err(e) => return Err(format!("cannot listen on 127.0.0.1:{port}: {e}")),
        }
    }
    Err("couldn't bind plugin TCP listener".to_string())
}

impl Bound {
    /// Accepts one raw connection.
    pub async fn accept(&self) -> io::Result<Conn> {
        match &self.inner {
            Inner::Unix(l) => Ok(Conn::new(l.accept().await?.0)),
            Inner::Tcp(l) => {
                let (s, _) = l.accept().await?;
                let _ = s.set_nodelay(true);
                Ok(Conn::new(s))
            }
        }
    }
}

/// Any byte stream a connection can be (unix/TCP, plain/TLS).
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// One connection, type-erased so plain, TLS, unix and TCP share one incoming stream.
/// Implements tonic's `Connected` with no connect info (the peer is already authenticated).
pub struct Conn(Box<dyn Io>);

impl Conn {
    /// Wraps any stream.
    pub fn new(io: impl Io) -> Conn {
        Conn(Box::new(io))
    }
}

impl tonic::transport::server::Connected for Conn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unix_socket_is_named_plugin_and_removed_on_drop() {
        let dir = std::env::temp_dir().join(format!("goplugin-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut hs = Handshake::debug();
        hs.unix_socket_dir = Some(dir.clone());
        let bound = bind(&hs, Network::Unix).unwrap();
        let Addr::Unix(path) = bound.addr.clone() else {
            panic!("not unix")
        };
        assert!(path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("plugin"));
        assert!(path.exists());
        let second = bind(&hs, Network::Unix).unwrap();
        assert_ne!(second.addr, bound.addr);
        drop(bound);
        assert!(!path.exists());
        drop(second);
        std::fs::remove_dir(&dir).unwrap();
    }

    #[tokio::test]
    async fn tcp_in_range() {
        let b = bind_tcp((0, 0)).unwrap();
        assert!(matches!(b.addr, Addr::Tcp(a) if a.ip().is_loopback()));
        assert!(bind_tcp((5, 4)).is_err());
    }
}
