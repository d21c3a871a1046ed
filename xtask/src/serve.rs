//! A small static file server over `std::net` for `www/`: one thread per connection,
//! HTTP/1.1 keep-alive, GET and HEAD only, `Cache-Control: no-cache` on every response.
//!
//! Only regular files below the served root are served: the path is percent-decoded, `..`
//! segments are rejected and the resolved file (after symlinks) must stay inside the root.
//! `/` and directories serve their `index.html`. `cargo xtask serve` runs [`serve`] forever;
//! `cargo xtask test` runs it on an ephemeral port in a background thread through [`spawn`].

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::{build, tools, Ctx};

/// An idle keep-alive connection is closed after this long.
const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest accepted request line or header line.
const MAX_LINE: u64 = 8 * 1024;
/// Most header lines accepted in one request.
const MAX_HEADERS: usize = 100;

/// `cargo xtask serve`: ensure tools, build the release package, then serve `www/` on
/// `127.0.0.1:port` until the process is killed.
pub fn run(ctx: &Ctx, port: u16) -> Result<(), String> {
    tools::ensure(ctx, false)?;
    build::build(ctx)?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let www = ctx.root.join("www");
    println!("serving {} at http://127.0.0.1:{port}/", www.display());
    serve(&www, listener).map_err(|e| format!("server stopped: {e}"))
}

/// Serves the files below `root` on `listener` forever (a thread per connection).
pub fn serve(root: &Path, listener: TcpListener) -> io::Result<()> {
    accept_loop(&canonical_root(root)?, &listener, None)
}

/// A server started by [`spawn`]; [`Server::stop`] shuts it down.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<io::Result<()>>,
}

impl Server {
    /// The base URL, e.g. `http://127.0.0.1:41234/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops accepting connections and waits for the accept loop to end (connections already
    /// open finish on their own).
    pub fn stop(self) -> Result<(), String> {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() so the loop sees the flag.
        let _ = TcpStream::connect(self.addr);
        match self.thread.join() {
            Ok(result) => result.map_err(|e| format!("server failed: {e}")),
            Err(_) => Err("server thread panicked".to_owned()),
        }
    }
}

/// Serves `root` on `listener` in a background thread.
pub fn spawn(root: &Path, listener: TcpListener) -> io::Result<Server> {
    let root = canonical_root(root)?;
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let thread = thread::Builder::new()
        .name("xtask-serve".to_owned())
        .spawn(move || accept_loop(&root, &listener, Some(&flag)))?;
    Ok(Server { addr, stop, thread })
}

fn canonical_root(root: &Path) -> io::Result<PathBuf> {
    fs::canonicalize(root)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot serve {}: {e}", root.display())))
}

fn accept_loop(root: &Path, listener: &TcpListener, stop: Option<&AtomicBool>) -> io::Result<()> {
    for stream in listener.incoming() {
        if stop.is_some_and(|s| s.load(Ordering::SeqCst)) {
            break;
        }
        let stream = match stream {
            Ok(s) => s,
            // e.g. a connection reset before accept, or too many open files: keep serving.
            Err(e) => {
                eprintln!("serve: accept failed: {e}");
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let root = root.to_path_buf();
        let spawned = thread::Builder::new()
            .name("xtask-conn".to_owned())
            .spawn(move || {
                if let Err(e) = handle_connection(&root, stream) {
                    if !matches!(
                        e.kind(),
                        io::ErrorKind::BrokenPipe
                            | io::ErrorKind::ConnectionReset
                            | io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                    ) {
                        eprintln!("serve: {e}");
                    }
                }
            });
        if let Err(e) = spawned {
            eprintln!("serve: cannot start a connection thread: {e}");
        }
    }
    Ok(())
}

/// One parsed request head.
#[derive(Debug)]
struct Request {
    method: String,
    target: String,
    keep_alive: bool,
    body_len: u64,
}

/// Reads one request head; `Ok(None)` on a cleanly closed connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let bad = |msg: &str| io::Error::new(io::ErrorKind::InvalidData, msg.to_owned());
    let mut line = String::new();
    // Tolerate empty lines before a request line (RFC 9112, 2.2).
    while line.trim().is_empty() {
        line.clear();
        if reader.by_ref().take(MAX_LINE).read_line(&mut line)? == 0 {
            return Ok(None);
        }
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("malformed request line"));
    };
    let mut keep_alive = version == "HTTP/1.1";
    let mut body_len = 0;
    let mut header = String::new();
    for _ in 0..=MAX_HEADERS {
        header.clear();
        if reader.by_ref().take(MAX_LINE).read_line(&mut header)? == 0 {
            return Err(bad("connection closed inside the request head"));
        }
        let header = header.trim_end();
        if header.is_empty() {
            return Ok(Some(Request {
                method: method.to_owned(),
                target: target.to_owned(),
                keep_alive,
                body_len,
            }));
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(bad("malformed header"));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case("keep-alive") {
                    keep_alive = true;
                }
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            body_len = value.parse().map_err(|_| bad("bad content-length"))?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // No request bodies expected; do not try to parse chunked ones.
            keep_alive = false;
        }
    }
    Err(bad("too many headers"))
}

fn handle_connection(root: &Path, stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                simple(&mut writer, 400, "Bad Request", false, true)?;
                break;
            }
            Err(e) => return Err(e),
        };
        // Discard a request body so the next request on this connection starts cleanly.
        if request.body_len > 0 {
            io::copy(&mut reader.by_ref().take(request.body_len), &mut io::sink())?;
        }
        let keep_alive = respond(root, &request, &mut writer)?;
        writer.flush()?;
        if !keep_alive {
            break;
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
    Ok(())
}

/// Writes the response to one request; returns whether to keep the connection open.
fn respond(root: &Path, req: &Request, out: &mut TcpStream) -> io::Result<bool> {
    let head_only = match req.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => {
            log(405, req);
            simple(out, 405, "Method Not Allowed", false, false)?;
            return Ok(false);
        }
    };
    let keep = req.keep_alive;
    match resolve(root, &req.target) {
        Resolved::File(path) => {
            let file = File::open(&path)?;
            let len = file.metadata()?.len();
            write_head(out, 200, "OK", content_type(&path), len, keep, &[])?;
            if !head_only {
                io::copy(&mut file.take(len), out)?;
            }
        }
        Resolved::Redirect(location) => {
            let body = format!("moved to {location}\n");
            let extra = [("Location", location.as_str())];
            write_head(
                out,
                301,
                "Moved Permanently",
                TEXT,
                body.len() as u64,
                keep,
                &extra,
            )?;
            if !head_only {
                out.write_all(body.as_bytes())?;
            }
        }
        Resolved::Status(code, reason) => {
            log(code, req);
            simple(out, code, reason, head_only, keep)?;
        }
    }
    Ok(keep)
}

fn log(code: u16, req: &Request) {
    eprintln!("serve: {code} {} {}", req.method, req.target);
}

const TEXT: &str = "text/plain; charset=utf-8";

/// A response with a one-line text body such as `404 Not Found`.
fn simple(
    out: &mut TcpStream,
    code: u16,
    reason: &str,
    head_only: bool,
    keep: bool,
) -> io::Result<()> {
    let body = format!("{code} {reason}\n");
    let extra: &[(&str, &str)] = if code == 405 {
        &[("Allow", "GET, HEAD")]
    } else {
        &[]
    };
    write_head(out, code, reason, TEXT, body.len() as u64, keep, extra)?;
    if !head_only {
        out.write_all(body.as_bytes())?;
    }
    Ok(())
}

fn write_head(
    out: &mut TcpStream,
    code: u16,
    reason: &str,
    content_type: &str,
    len: u64,
    keep: bool,
    extra: &[(&str, &str)],
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n\
         Cache-Control: no-cache\r\nConnection: {}\r\n",
        if keep { "keep-alive" } else { "close" }
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())
}

/// What a request target maps to.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    /// A regular file inside the root.
    File(PathBuf),
    /// A directory requested without its trailing slash.
    Redirect(String),
    /// An error status and its reason phrase.
    Status(u16, &'static str),
}

const NOT_FOUND: Resolved = Resolved::Status(404, "Not Found");
const FORBIDDEN: Resolved = Resolved::Status(403, "Forbidden");
const BAD_REQUEST: Resolved = Resolved::Status(400, "Bad Request");

/// Maps a request target (`/path?query`) to a file below the canonical `root`.
fn resolve(root: &Path, target: &str) -> Resolved {
    let (raw_path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let raw_path = raw_path.split('#').next().unwrap_or_default();
    if !raw_path.starts_with('/') {
        return BAD_REQUEST;
    }
    let Some(decoded) = percent_decode(raw_path).and_then(|b| String::from_utf8(b).ok()) else {
        return BAD_REQUEST;
    };
    if decoded.contains(['\0', '\\']) {
        return BAD_REQUEST;
    }
    let mut path = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return FORBIDDEN,
            s => path.push(s),
        }
    }
    if path.is_dir() {
        if !raw_path.ends_with('/') {
            let mut location = format!("{raw_path}/");
            if let Some(q) = query {
                location.push('?');
                location.push_str(q);
            }
            return Resolved::Redirect(location);
        }
        path.push("index.html");
    }
    // Symlinks are followed, but the file they lead to must still be inside the root.
    match fs::canonicalize(&path) {
        Ok(real) if !real.starts_with(root) => FORBIDDEN,
        Ok(real) if real.is_file() => Resolved::File(real),
        _ => NOT_FOUND,
    }
}

/// Decodes `%XX` escapes; `None` if an escape is malformed.
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hi = char::from(bytes.next()?).to_digit(16)?;
            let lo = char::from(bytes.next()?).to_digit(16)?;
            out.push(u8::try_from(hi * 16 + lo).ok()?);
        } else {
            out.push(b);
        }
    }
    Some(out)
}

/// The Content-Type for a file, by extension.
fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "csv" => "text/csv; charset=utf-8",
        "tsv" => "text/tab-separated-values; charset=utf-8",
        "txt" | "md" => TEXT,
        "ico" => "image/x-icon",
        "arrow" => "application/vnd.apache.arrow.file",
        "parquet" => "application/vnd.apache.parquet",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory tree: root/{index.html, app.js, sub/index.html}, plus a file outside.
    fn fixture(name: &str) -> (PathBuf, PathBuf) {
        let base = std::env::temp_dir().join(format!("xtask-serve-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let root = base.join("www");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("index.html"), "<h1>home</h1>").unwrap();
        fs::write(root.join("app.js"), "export {}").unwrap();
        fs::write(root.join("mod.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(root.join("sub").join("index.html"), "sub").unwrap();
        fs::write(root.join("a b.csv"), "x\n1\n").unwrap();
        fs::write(base.join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(base.join("secret.txt"), root.join("link.txt")).unwrap();
        (base, fs::canonicalize(root).unwrap())
    }

    #[test]
    fn resolves_paths() {
        let (base, root) = fixture("resolve");
        assert_eq!(resolve(&root, "/"), Resolved::File(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/app.js?v=1#x"),
            Resolved::File(root.join("app.js"))
        );
        assert_eq!(
            resolve(&root, "/a%20b.csv"),
            Resolved::File(root.join("a b.csv"))
        );
        assert_eq!(
            resolve(&root, "/sub"),
            Resolved::Redirect("/sub/".to_owned())
        );
        assert_eq!(
            resolve(&root, "/sub/"),
            Resolved::File(root.join("sub").join("index.html"))
        );
        assert_eq!(resolve(&root, "/missing.js"), NOT_FOUND);
        assert_eq!(resolve(&root, "/../secret.txt"), FORBIDDEN);
        assert_eq!(resolve(&root, "/sub/../../secret.txt"), FORBIDDEN);
        assert_eq!(resolve(&root, "/%2e%2e/secret.txt"), FORBIDDEN);
        assert_eq!(resolve(&root, "/..%2fsecret.txt"), FORBIDDEN);
        assert_eq!(resolve(&root, "/link.txt"), FORBIDDEN);
        assert_eq!(resolve(&root, "/%zz"), BAD_REQUEST);
        assert_eq!(resolve(&root, "/a%00"), BAD_REQUEST);
        assert_eq!(resolve(&root, "app.js"), BAD_REQUEST);
        fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("x.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("x.MJS")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("data/cars.csv")),
            "text/csv; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }

    /// Sends raw request bytes and reads until the server closes the connection.
    fn exchange(addr: SocketAddr, request: &str) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        String::from_utf8_lossy(&response).into_owned()
    }

    #[test]
    fn serves_over_http() {
        let (base, root) = fixture("http");
        let server = spawn(&root, TcpListener::bind("127.0.0.1:0").unwrap()).unwrap();
        let addr = server.addr;
        assert!(server.url().starts_with("http://127.0.0.1:"));

        let r = exchange(
            addr,
            "GET /mod.wasm HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert!(r.starts_with("HTTP/1.1 200 OK\r\n"), "{r}");
        assert!(r.contains("Content-Type: application/wasm\r\n"), "{r}");
        assert!(r.contains("Content-Length: 8\r\n"), "{r}");
        assert!(r.contains("Cache-Control: no-cache\r\n"), "{r}");
        assert!(r.contains("Connection: close\r\n"), "{r}");
        assert!(r.ends_with("\r\n\r\n\0asm\u{1}\0\0\0"), "{r:?}");

        // Keep-alive: two requests on one connection, the second one closes it.
        let r = exchange(
            addr,
            "HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert!(r.starts_with("HTTP/1.1 200 OK\r\n"), "{r}");
        assert!(r.contains("Connection: keep-alive\r\n"), "{r}");
        assert!(!r.contains("<h1>"), "HEAD must not send a body: {r}");
        assert!(r.contains("HTTP/1.1 404 Not Found\r\n"), "{r}");
        assert!(r.ends_with("404 Not Found\n"), "{r}");

        let r = exchange(addr, "GET /../secret.txt HTTP/1.0\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{r}");
        assert!(!r.contains("secret"), "{r}");

        let r = exchange(addr, "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
        assert!(r.starts_with("HTTP/1.1 405 "), "{r}");
        assert!(r.contains("Allow: GET, HEAD\r\n"), "{r}");

        let r = exchange(addr, "nonsense\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 400 "), "{r}");

        server.stop().unwrap();
        assert!(TcpStream::connect(addr).is_err(), "listener still open");
        fs::remove_dir_all(base).unwrap();
    }
}
