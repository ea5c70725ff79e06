//! The native page engine in a child process, so that a file that crashes, hangs or
//! exhausts PDFium or Tesseract (C and C++ code, fed hostile bytes) fails its own job and
//! nothing else.
//!
//! The parent (`SupervisedEngine`, a `PageEngine`) starts the child once and reuses it, so
//! Tesseract loads once per worker. For each file it sends one JSON line naming the file
//! on disk (never its bytes, which may be hundreds of megabytes); the child answers with one JSON line per page as soon as the page is read, then
//! a last line with the page count or the error. The child runs under an address-space
//! limit and dies with its parent; the parent kills it when a file takes too long overall
//! or a page makes no progress, and starts a fresh one for the next file.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hoso_extractors::PageText;
use hoso_pipeline::ports::{PageEngine, PageError};
use hoso_pipeline::{Limits, MediaType};
use serde::{Deserialize, Serialize};

/// How long a new child may take to load its engines and say it is ready.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// Lines of the child's stderr kept to explain a crash.
const STDERR_TAIL: usize = 20;

/// One request line. Files are named by path: parent and child share the file system.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Request {
    /// Read every page.
    Read {
        media: MediaType,
        limits: Limits,
        source: PathBuf,
    },
    /// Write the searchable PDF of a file whose pages were read to `output`.
    Searchable {
        media: MediaType,
        limits: Limits,
        source: PathBuf,
        output: PathBuf,
        pages: Vec<PageText>,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reply {
    Ready {
        engine: String,
    },
    Page(PageText),
    Done {
        pages: u32,
    },
    Failed(PageError),
    /// Whether the searchable PDF was written to the requested output.
    Searchable {
        written: bool,
    },
}

/// What the parent makes of one reply while a request is in progress.
enum Step<T> {
    Continue,
    Finish(Result<T, PageError>),
}

/// How to start the child: a program and its arguments, typically the running binary with
/// its hidden `engine-child` command.
#[derive(Debug, Clone)]
pub struct ChildCommand {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

pub struct SupervisedEngine {
    command: ChildCommand,
    child: Option<RunningChild>,
    engine: String,
}

struct RunningChild {
    process: Child,
    stdin: ChildStdin,
    replies: Receiver<Option<String>>,
    stderr_tail: Arc<Mutex<StderrTail>>,
    memory_limit: u64,
}

/// The last lines the child printed, and its panic message, which a backtrace would
/// otherwise push out of the tail.
#[derive(Default)]
struct StderrTail {
    lines: VecDeque<String>,
    panic: Option<String>,
    panic_line_pending: bool,
    out_of_memory: bool,
}

impl StderrTail {
    fn push(&mut self, line: String) {
        // Rust's allocation-failure message, and C++'s and Leptonica's.
        if ["memory allocation of", "std::bad_alloc", "Out of memory"]
            .iter()
            .any(|m| line.contains(m))
        {
            self.out_of_memory = true;
        }
        if self.panic_line_pending {
            self.panic_line_pending = false;
            if let Some(p) = self.panic.as_mut() {
                p.push(' ');
                p.push_str(line.trim());
            }
        }
        if self.panic.is_none() && line.contains("panicked at") {
            self.panic = Some(line.trim().to_string());
            self.panic_line_pending = true;
        }
        if self.lines.len() == STDERR_TAIL {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }

    fn explain(&self) -> String {
        if let Some(p) = &self.panic {
            return p.clone();
        }
        let recent: Vec<_> = self.lines.iter().rev().take(5).rev().cloned().collect();
        recent.join(" | ")
    }
}

impl SupervisedEngine {
    pub fn new(command: ChildCommand) -> Self {
        Self {
            command,
            child: None,
            engine: "supervised (not started)".to_string(),
        }
    }

    fn spawn(&mut self, memory_limit: u64) -> Result<RunningChild, PageError> {
        let start = |detail: String| PageError::EngineStart { detail };
        let mut command = Command::new(&self.command.program);
        command
            .args(&self.command.args)
            .envs(self.command.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        confine(&mut command, memory_limit);
        let mut process = command
            .spawn()
            .map_err(|e| start(format!("{}: {e}", self.command.program.display())))?;
        let (stdin, stdout, stderr) = match (
            process.stdin.take(),
            process.stdout.take(),
            process.stderr.take(),
        ) {
            (Some(i), Some(o), Some(e)) => (i, o, e),
            _ => {
                let _ = process.kill();
                let _ = process.wait();
                return Err(start("the child's pipes are missing".to_string()));
            }
        };
        let (tx, replies) = mpsc::channel();
        std::thread::Builder::new()
            .name("engine-child-stdout".to_string())
            .spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    match line {
                        Ok(l) => {
                            if tx.send(Some(l)).is_err() {
                                return;
                            }
                        }
                        Err(_) => break,
                    }
                }
                let _ = tx.send(None);
            })
            .map_err(|e| start(e.to_string()))?;
        let stderr_tail = Arc::new(Mutex::new(StderrTail::default()));
        let tail = Arc::clone(&stderr_tail);
        std::thread::Builder::new()
            .name("engine-child-stderr".to_string())
            .spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    tracing::debug!(target: "hoso_workers::engine_child", "{line}");
                    if let Ok(mut t) = tail.lock() {
                        t.push(line);
                    }
                }
            })
            .map_err(|e| start(e.to_string()))?;
        let mut child = RunningChild {
            process,
            stdin,
            replies,
            stderr_tail,
            memory_limit,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match child
                .replies
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(Some(line)) => match serde_json::from_str::<Reply>(&line) {
                    Ok(Reply::Ready { engine }) => {
                        self.engine = engine;
                        return Ok(child);
                    }
                    // Whatever a program prints before it takes over its stdout for the
                    // protocol (a test harness's banner) is not part of it.
                    _ => tracing::debug!(%line, "engine child said before starting"),
                },
                Ok(None) | Err(RecvTimeoutError::Disconnected) => {
                    let why = child.death();
                    return Err(start(why));
                }
                Err(RecvTimeoutError::Timeout) => {
                    child.kill();
                    return Err(start(format!(
                        "not ready within {} s",
                        START_TIMEOUT.as_secs()
                    )));
                }
            }
        }
    }

    fn send(child: &mut RunningChild, request: &Request) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(request).map_err(std::io::Error::other)?;
        line.push(b'\n');
        child.stdin.write_all(&line)?;
        child.stdin.flush()
    }
}

impl RunningChild {
    fn kill(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }

    /// Why the child is gone, from its exit status and the last things it printed.
    fn death(&mut self) -> String {
        // The pipes closing comes just before the exit status is available.
        let deadline = Instant::now() + Duration::from_secs(5);
        let status = loop {
            match self.process.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => {
                    self.kill();
                    break None;
                }
            }
        };
        let tail = self
            .stderr_tail
            .lock()
            .map(|t| t.explain())
            .unwrap_or_default();
        let status = status.map_or_else(|| "no exit status".to_string(), describe_exit);
        if tail.is_empty() {
            status
        } else {
            format!("{status}; last output: {tail}")
        }
    }

    fn ran_out_of_memory(&self) -> bool {
        self.stderr_tail.lock().is_ok_and(|t| t.out_of_memory)
    }
}

impl Drop for SupervisedEngine {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill();
        }
    }
}

pub(crate) fn describe_exit(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                6 => "SIGABRT",
                7 => "SIGBUS",
                8 => "SIGFPE",
                9 => "SIGKILL",
                11 => "SIGSEGV",
                _ => "a signal",
            };
            return format!("killed by {name} ({signal})");
        }
    }
    match status.code() {
        Some(101) => "panicked (exit code 101)".to_string(),
        Some(code) => format!("exited with code {code}"),
        None => "ended".to_string(),
    }
}

/// Limits the child before it runs a line of its own: its address space, no core dumps,
/// and death when the parent dies, so a worker killed outright leaves no orphan engine.
pub(crate) fn confine(command: &mut Command, memory_limit: u64) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec only async-signal-safe calls are made (setrlimit,
        // prctl), on values computed before the fork.
        unsafe {
            command.pre_exec(move || {
                let address_space = libc::rlimit {
                    rlim_cur: memory_limit as libc::rlim_t,
                    rlim_max: memory_limit as libc::rlim_t,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &address_space) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let no_core = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::setrlimit(libc::RLIMIT_CORE, &no_core);
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (command, memory_limit);
}

impl SupervisedEngine {
    /// Sends one request and feeds the replies to `on_reply` until it finishes, under the
    /// file's and the page's time limits. A child that misbehaves in any way is killed and
    /// replaced at the next request.
    fn exchange<T>(
        &mut self,
        request: &Request,
        limits: &Limits,
        on_reply: &mut dyn FnMut(Reply) -> Step<T>,
    ) -> Result<T, PageError> {
        // A child started under another memory limit is replaced.
        if self
            .child
            .as_ref()
            .is_some_and(|c| c.memory_limit != limits.engine_memory_bytes)
        {
            if let Some(mut old) = self.child.take() {
                old.kill();
            }
        }
        let mut child = match self.child.take() {
            Some(c) => c,
            None => self.spawn(limits.engine_memory_bytes)?,
        };
        let started = Instant::now();
        let file_limit = Duration::from_millis(limits.file_timeout_ms);
        let page_limit = Duration::from_millis(limits.page_timeout_ms);
        if Self::send(&mut child, request).is_err() {
            // The child died between files, or while reading this one.
            let why = child.death();
            return Err(PageError::Crashed { detail: why });
        }
        let mut pages_done = 0u32;
        let mut last_progress = Instant::now();
        loop {
            let file_left = file_limit.saturating_sub(started.elapsed());
            let page_left = page_limit.saturating_sub(last_progress.elapsed());
            match child.replies.recv_timeout(file_left.min(page_left)) {
                Ok(Some(line)) => {
                    let reply = match serde_json::from_str::<Reply>(&line) {
                        Ok(Reply::Ready { .. }) | Err(_) => {
                            child.kill();
                            return Err(PageError::Crashed {
                                detail: format!("unexpected output from the child: {line:.200}"),
                            });
                        }
                        Ok(r) => r,
                    };
                    if matches!(reply, Reply::Page(_)) {
                        pages_done += 1;
                        last_progress = Instant::now();
                    }
                    if let Step::Finish(outcome) = on_reply(reply) {
                        self.child = Some(child);
                        return outcome;
                    }
                }
                Ok(None) | Err(RecvTimeoutError::Disconnected) => {
                    let out_of_memory = child.ran_out_of_memory();
                    let why = child.death();
                    if out_of_memory {
                        return Err(PageError::OutOfMemory {
                            limit_mib: limits.engine_memory_bytes / (1024 * 1024),
                        });
                    }
                    return Err(PageError::Crashed { detail: why });
                }
                Err(RecvTimeoutError::Timeout) => {
                    child.kill();
                    return Err(if file_left <= page_left {
                        PageError::FileTimeout {
                            limit_ms: limits.file_timeout_ms,
                        }
                    } else {
                        PageError::Stalled {
                            pages_done,
                            limit_ms: limits.page_timeout_ms,
                        }
                    });
                }
            }
        }
    }
}

fn unexpected<T>(reply: &Reply) -> Step<T> {
    Step::Finish(Err(PageError::Crashed {
        detail: format!("the child answered out of turn: {reply:?}"),
    }))
}

impl PageEngine for SupervisedEngine {
    fn read_pages(
        &mut self,
        media: MediaType,
        source: &Path,
        limits: &Limits,
        on_page: &mut dyn FnMut(PageText),
    ) -> Result<u32, PageError> {
        let request = Request::Read {
            media,
            limits: *limits,
            source: absolute(source)?,
        };
        self.exchange(&request, limits, &mut |reply| match reply {
            Reply::Page(page) => {
                on_page(page);
                Step::Continue
            }
            Reply::Done { pages } => Step::Finish(Ok(pages)),
            Reply::Failed(e) => Step::Finish(Err(e)),
            other => unexpected(&other),
        })
    }

    fn searchable_pdf(
        &mut self,
        media: MediaType,
        source: &Path,
        pages: &[PageText],
        limits: &Limits,
        output: &Path,
    ) -> Result<bool, PageError> {
        let request = Request::Searchable {
            media,
            limits: *limits,
            source: absolute(source)?,
            output: absolute(output)?,
            pages: pages.to_vec(),
        };
        self.exchange(&request, limits, &mut |reply| match reply {
            Reply::Searchable { written } => Step::Finish(Ok(written)),
            Reply::Failed(e) => Step::Finish(Err(e)),
            other => unexpected(&other),
        })
    }

    fn describe(&self) -> String {
        self.engine.clone()
    }
}

/// The child's side: announces itself, then serves files from `input` until it closes.
/// `output` carries only protocol lines; anything else the libraries print must go to
/// stderr (see `protocol_stdout`).
pub fn serve_child(
    engine: &mut dyn PageEngine,
    input: impl Read,
    mut output: impl Write,
) -> std::io::Result<()> {
    let mut input = BufReader::new(input);
    write_reply(
        &mut output,
        &Reply::Ready {
            engine: engine.describe(),
        },
    )?;
    let mut header = String::new();
    loop {
        header.clear();
        if input.read_line(&mut header)? == 0 {
            return Ok(());
        }
        let request: Request = serde_json::from_str(header.trim_end())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let last = match request {
            Request::Read {
                media,
                limits,
                source,
            } => {
                let mut write_error = None;
                let outcome = engine.read_pages(media, &source, &limits, &mut |page| {
                    if write_error.is_none() {
                        write_error = write_reply(&mut output, &Reply::Page(page)).err();
                    }
                });
                if let Some(e) = write_error {
                    return Err(e);
                }
                match outcome {
                    Ok(pages) => Reply::Done { pages },
                    Err(e) => Reply::Failed(e),
                }
            }
            Request::Searchable {
                media,
                limits,
                source,
                output,
                pages,
            } => match engine.searchable_pdf(media, &source, &pages, &limits, &output) {
                Ok(written) => Reply::Searchable { written },
                Err(e) => Reply::Failed(e),
            },
        };
        write_reply(&mut output, &last)?;
    }
}

/// The child may run in another working directory: name files absolutely.
fn absolute(path: &Path) -> Result<PathBuf, PageError> {
    std::path::absolute(path).map_err(|e| PageError::Engine {
        page: 0,
        detail: format!("cannot resolve {}: {e}", path.display()),
    })
}

fn write_reply(output: &mut impl Write, reply: &Reply) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(reply).map_err(std::io::Error::other)?;
    line.push(b'\n');
    output.write_all(&line)?;
    output.flush()
}

/// Moves the process's stdout aside for the protocol and points file descriptor 1 at
/// stderr, so that a native library printing to stdout cannot corrupt the protocol.
#[cfg(unix)]
pub fn protocol_stdout() -> std::io::Result<std::fs::File> {
    use std::os::fd::FromRawFd;
    // SAFETY: dup and dup2 on the process's own standard descriptors; the duplicate is
    // owned by the returned File alone.
    unsafe {
        let protocol = libc::dup(1);
        if protocol < 0 {
            return Err(std::io::Error::last_os_error());
        }
        if libc::dup2(2, 1) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(std::fs::File::from_raw_fd(protocol))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_extractors::{BBox, Method, Word};

    /// Behaves like a page engine fed different kinds of hostile files, by file content.
    struct Scripted;

    impl PageEngine for Scripted {
        fn read_pages(
            &mut self,
            _media: MediaType,
            source: &Path,
            _limits: &Limits,
            on_page: &mut dyn FnMut(PageText),
        ) -> Result<u32, PageError> {
            match std::fs::read(source).unwrap().as_slice() {
                b"encrypted" => Err(PageError::Encrypted),
                b"abort" => std::process::abort(),
                b"hang" => loop {
                    std::thread::sleep(Duration::from_secs(1));
                },
                b"hang after a page" => {
                    on_page(page(1, "first"));
                    loop {
                        std::thread::sleep(Duration::from_secs(1));
                    }
                }
                b"panic" => panic!("a bug found by this file"),
                b"allocate" => {
                    let mut hog: Vec<Vec<u8>> = Vec::new();
                    loop {
                        hog.push(vec![1u8; 64 * 1024 * 1024]);
                    }
                }
                _ => {
                    on_page(page(1, "một"));
                    on_page(page(2, "hai"));
                    Ok(2)
                }
            }
        }

        fn describe(&self) -> String {
            "scripted 1".to_string()
        }
    }

    fn page(n: u32, text: &str) -> PageText {
        PageText {
            page: n,
            method: Method::Ocr,
            words: vec![Word {
                text: text.to_string(),
                bbox: BBox::new(0.1, 0.1, 0.2, 0.2),
                confidence: 0.9,
                line: 0,
            }],
            barcodes: Vec::new(),
            rotation: 0.0,
            rereadings: Vec::new(),
            half_turned: Vec::new(),
        }
    }

    /// The test binary re-executed as the child: see `child_entry_point`.
    fn engine() -> SupervisedEngine {
        SupervisedEngine::new(ChildCommand {
            program: std::env::current_exe().unwrap(),
            args: vec![
                "--exact".to_string(),
                "supervised::tests::child_entry_point".to_string(),
                "--nocapture".to_string(),
            ],
            env: vec![
                ("HOSO_SCRIPTED_CHILD".to_string(), "1".to_string()),
                ("RUST_BACKTRACE".to_string(), "0".to_string()),
            ],
        })
    }

    /// Not a test of its own: the child side when the parent tests start this binary with
    /// `HOSO_SCRIPTED_CHILD` set. Without it, it checks the protocol in-process.
    #[test]
    fn child_entry_point() {
        if std::env::var_os("HOSO_SCRIPTED_CHILD").is_some() {
            let out = protocol_stdout().unwrap();
            let result = serve_child(&mut Scripted, std::io::stdin(), out);
            std::process::exit(if result.is_ok() { 0 } else { 3 });
        }
        let file = file_with(b"ok");
        let mut input = Vec::new();
        let request = Request::Read {
            media: MediaType::Png,
            limits: Limits::default(),
            source: file.path().to_path_buf(),
        };
        input.extend(serde_json::to_vec(&request).unwrap());
        input.push(b'\n');
        let mut output = Vec::new();
        serve_child(&mut Scripted, &input[..], &mut output).unwrap();
        let lines: Vec<Reply> = String::from_utf8(output)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(matches!(&lines[0], Reply::Ready { engine } if engine == "scripted 1"));
        assert!(matches!(&lines[1], Reply::Page(p) if p.page == 1));
        assert!(matches!(&lines[3], Reply::Done { pages: 2 }));
    }

    fn limits() -> Limits {
        Limits {
            file_timeout_ms: 3_000,
            page_timeout_ms: 1_500,
            engine_memory_bytes: 512 * 1024 * 1024,
            ..Limits::default()
        }
    }

    fn file_with(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        file
    }

    fn read(engine: &mut SupervisedEngine, bytes: &[u8]) -> Result<Vec<PageText>, PageError> {
        let file = file_with(bytes);
        let mut pages = Vec::new();
        engine
            .read_pages(MediaType::Pdf, file.path(), &limits(), &mut |p| {
                pages.push(p)
            })
            .map(|n| {
                assert_eq!(n as usize, pages.len());
                pages
            })
    }

    #[test]
    fn each_hostile_file_fails_alone_and_the_next_file_is_read() {
        let mut engine = engine();
        let good = read(&mut engine, b"good").unwrap();
        assert_eq!(good[0].words[0].text, "một", "pages cross the pipe intact");
        assert_eq!(engine.describe(), "scripted 1");

        type Expectation = fn(&PageError) -> bool;
        let cases: Vec<(&[u8], Expectation)> = vec![
            (b"encrypted", |e| *e == PageError::Encrypted),
            (
                b"abort",
                |e| matches!(e, PageError::Crashed { detail } if detail.starts_with("killed by SIGABRT")),
            ),
            (b"panic", |e| {
                matches!(e, PageError::Crashed { detail }
                    if detail.contains("panicked") && detail.contains("a bug found by this file"))
            }),
            (b"hang", |e| {
                matches!(
                    e,
                    PageError::Stalled {
                        pages_done: 0,
                        limit_ms: 1_500
                    }
                )
            }),
            (b"hang after a page", |e| {
                matches!(e, PageError::Stalled { pages_done: 1, .. })
            }),
            (b"allocate", |e| {
                matches!(e, PageError::OutOfMemory { limit_mib: 512 })
            }),
        ];
        for (bytes, expected) in cases {
            let err = read(&mut engine, bytes).unwrap_err();
            assert!(expected(&err), "{}: {err}", String::from_utf8_lossy(bytes));
            assert!(err.is_permanent(), "{err}");
            // The next good file is read by a fresh child.
            assert_eq!(read(&mut engine, b"good").unwrap().len(), 2);
        }
    }

    #[test]
    fn a_child_that_cannot_start_is_a_transient_error() {
        let mut engine = SupervisedEngine::new(ChildCommand {
            program: PathBuf::from("/nonexistent/hoso"),
            args: Vec::new(),
            env: Vec::new(),
        });
        let err = read(&mut engine, b"good").unwrap_err();
        assert!(matches!(err, PageError::EngineStart { .. }), "{err}");
        assert!(!err.is_permanent());
    }
}
