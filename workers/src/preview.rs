//! Page images for people: one page of an original at screen width, turned upright as it
//! was read, so that the boxes of its evidence can be drawn on it. The web interface asks
//! for them on demand; rendering a PDF runs PDFium over bytes a citizen handed in, so it
//! happens in a short-lived child process (`hoso page-image`) under the engine's memory
//! limit and a time limit, never in the server's own process.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hoso_pipeline::ports::{PageError, PAGE_IMAGE_WIDTH};
use hoso_pipeline::{Limits, MediaType};
use image::imageops::FilterType;
use serde::{Deserialize, Serialize};

use crate::supervised::{confine, ChildCommand};

/// What the child is asked: one line of JSON on its stdin.
#[derive(Debug, Serialize, Deserialize)]
pub struct PreviewRequest {
    pub media: MediaType,
    pub source: PathBuf,
    pub page: u32,
    pub rotation: f32,
    pub limits: Limits,
}

/// The page as a PNG `PAGE_IMAGE_WIDTH` pixels wide (narrower pages are not enlarged).
pub fn render(request: &PreviewRequest) -> Result<Vec<u8>, PageError> {
    let bytes = std::fs::read(&request.source).map_err(|e| PageError::Engine {
        page: request.page,
        detail: format!("cannot read {}: {e}", request.source.display()),
    })?;
    let page = crate::crops::page_image(
        request.media,
        &bytes,
        request.page,
        request.rotation,
        &request.limits,
    )?;
    let page = if page.width() > PAGE_IMAGE_WIDTH {
        let height = (u64::from(page.height()) * u64::from(PAGE_IMAGE_WIDTH)
            / u64::from(page.width()))
        .max(1) as u32;
        image::imageops::resize(&page, PAGE_IMAGE_WIDTH, height, FilterType::Triangle)
    } else {
        page
    };
    crate::crops::png(&page).map_err(|e| PageError::Engine {
        page: request.page,
        detail: format!("cannot encode the page image: {e}"),
    })
}

/// The child's exit code when the file cannot be rendered, for good.
pub const EXIT_UNREADABLE: u8 = 2;
/// ... and when rendering failed for a passing reason.
pub const EXIT_FAILED: u8 = 3;

/// The child's side: one request from `input`, the PNG to `output`; an error is printed
/// to stderr, and the exit code to end with is returned.
pub fn serve_one(input: impl Read, mut output: impl Write) -> std::io::Result<u8> {
    let request: PreviewRequest = serde_json::from_reader(input)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    match render(&request) {
        Ok(png) => {
            output.write_all(&png)?;
            output.flush()?;
            Ok(0)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(if e.is_permanent() {
                EXIT_UNREADABLE
            } else {
                EXIT_FAILED
            })
        }
    }
}

/// Runs one rendering in a child started by `command`, killed after `timeout`.
/// Blocking: call it from a blocking thread.
pub fn render_in_child(
    command: &ChildCommand,
    request: &PreviewRequest,
    timeout: Duration,
) -> Result<Vec<u8>, PageError> {
    let failed = |detail: String| PageError::Engine {
        page: request.page,
        detail,
    };
    let mut cmd = Command::new(&command.program);
    cmd.args(&command.args)
        .envs(command.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    confine(&mut cmd, request.limits.engine_memory_bytes);
    let mut child = cmd
        .spawn()
        .map_err(|e| failed(format!("cannot start the page renderer: {e}")))?;
    let line = serde_json::to_vec(request).map_err(|e| failed(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        // The child reads the request to its end before it writes anything.
        if let Err(e) = stdin.write_all(&line) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failed(format!("cannot brief the page renderer: {e}")));
        }
    }
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    // Each pipe drained on its own thread, so that neither can fill and stall the child.
    let png_reader = std::thread::spawn(move || {
        let mut png = Vec::new();
        if let Some(mut out) = stdout {
            let _ = out.read_to_end(&mut png);
        }
        png
    });
    let message_reader = std::thread::spawn(move || {
        let mut message = Vec::new();
        if let Some(err) = stderr {
            let _ = err.take(64 * 1024).read_to_end(&mut message);
        }
        String::from_utf8_lossy(&message).into_owned()
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < timeout => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!(
                    "rendering the page took longer than {} s",
                    timeout.as_secs()
                )));
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(format!("cannot wait for the page renderer: {e}")));
            }
        }
    };
    let png = png_reader.join().unwrap_or_default();
    let message = message_reader.join().unwrap_or_default();
    let message = message.lines().last().unwrap_or_default().to_string();
    if status.success() && png.starts_with(b"\x89PNG") {
        Ok(png)
    } else if status.code() == Some(i32::from(EXIT_UNREADABLE)) {
        Err(PageError::Unreadable {
            media: request.media,
            detail: message.trim().to_string(),
        })
    } else {
        Err(failed(format!(
            "the page renderer {}: {}",
            crate::supervised::describe_exit(status),
            message.trim()
        )))
    }
}

/// Where a request's source must be for the child: an absolute path.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
