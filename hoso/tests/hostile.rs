//! Hostile input end to end: every malformed PDF of the shared corpus (qpdf's damaged,
//! looping and encrypted files, pdf.js's bug reproducers) goes through `hoso ingest` with
//! the real engines in their supervised child processes. Each must end processed or
//! refused with a specific reason, within 30 s and 1 GiB, and a good file queued after
//! them all must still be read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hoso_testdata::{generate, GenerateOptions, Quality};
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/pdf-malformed")
}

fn hoso(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hoso"));
    c.env("HOSO_DATA_DIR", data)
        .env("OMP_THREAD_LIMIT", "1")
        // The bounds the issue sets for a hostile file.
        .env("HOSO_FILE_TIMEOUT_MS", "30000")
        .env("HOSO_PAGE_TIMEOUT_MS", "30000")
        .env("HOSO_ENGINE_MEMORY_BYTES", (1u64 << 30).to_string())
        // Robustness, not accuracy, is under test: 100 dpi keeps the OCR of the
        // hundreds of rendered pages to about a minute while PDFium still parses and
        // renders every one of them.
        .env("HOSO_RENDER_DPI", "100")
        .stdin(Stdio::null());
    c
}

/// The reason without the file-specific part, for counting.
fn reason_kind(error: &str) -> String {
    let cut = error
        .find(" (")
        .or_else(|| error.find(": it "))
        .unwrap_or(error.len());
    error[..cut].to_string()
}

#[test]
fn every_malformed_pdf_ends_processed_or_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let good_dir = dir.path().join("good");
    let mut opts = GenerateOptions::new(41, 1, &good_dir);
    opts.qualities = vec![Quality::Clean];
    generate(&opts).unwrap();
    let good: Vec<PathBuf> = std::fs::read_dir(&good_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".truth.json"))
        .collect();
    assert_eq!(good.len(), 1);

    let qpdf = corpus().join("qpdf-malformed");
    let pdfjs = corpus().join("pdfjs-issue-files");
    let mut inputs: Vec<PathBuf> = Vec::new();
    for folder in [&qpdf, &pdfjs] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        inputs.extend(files);
    }
    let total = inputs.len();
    assert!(total > 600, "the corpus is incomplete: {total} files");

    let out = hoso(&data)
        .arg("ingest")
        .args(&inputs)
        .arg(&good[0])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "some files are refused, and ingest says so: {}",
        &text[text.len().saturating_sub(3000)..]
    );
    assert!(!text.contains("panicked"), "{text}");

    // Files refused at the door (not a PDF by content, empty) are named in the summary.
    let refused_at_door: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("rejected"))
        .filter(|l| l.contains(".pdf"))
        .collect();

    let list = hoso(&data).args(["list", "--json"]).output().unwrap();
    assert!(list.status.success());
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    let failed = list["unprocessed_files"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for f in &failed {
        let status = f["status"].as_str().unwrap_or_default();
        let error = f["error"].as_str().unwrap_or_default();
        assert_eq!(status, "failed", "nothing is left queued or running: {f}");
        assert!(!error.is_empty(), "every failure has a reason: {f}");
        assert!(!error.contains('\n'), "reasons are one line: {error:?}");
        for vague in [
            "engine thread",
            "worker stopped",
            "PdfiumLibraryInternalError",
        ] {
            assert!(
                !error.contains(vague),
                "a specific reason, not {vague:?}: {error}"
            );
        }
        *reasons.entry(reason_kind(error)).or_default() += 1;
    }
    let processed_pdfs = list["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["source"]["file_name"].as_str())
        .filter(|n| n.ends_with(".pdf"))
        .collect::<std::collections::BTreeSet<_>>()
        .len();

    println!("{total} malformed pdfs:");
    println!("  processed: {processed_pdfs}");
    println!("  refused at upload: {}", refused_at_door.len());
    for (reason, n) in &reasons {
        println!("  failed, {reason}: {n}");
    }
    let accounted = processed_pdfs + refused_at_door.len() + failed.len();
    // A few corpus files are byte-identical copies, which ingest counts once.
    assert!(
        accounted + 10 >= total && accounted <= total,
        "every file ends processed or refused: {accounted} of {total}"
    );

    // The good file after them all was read like any other.
    let good_name = good[0].file_name().unwrap().to_string_lossy().to_string();
    let good_docs: Vec<&Value> = list["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["source"]["file_name"] == good_name.as_str())
        .collect();
    assert!(!good_docs.is_empty(), "the good file was processed: {text}");
    assert_ne!(good_docs[0]["document"]["document_type"], "unknown");
}

/// A PDF with objects in order, a correct cross-reference table and a trailer.
fn pdf(objects: &[&str]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn a_pdf_with_javascript_and_an_attachment_is_read_as_pages_only() {
    let content = "BT /F1 24 Tf 72 700 Td (HOSO VISIBLE PAGE TEXT) Tj ET";
    let attachment = "ATTACHMENTSECRET never to be extracted";
    let bytes = pdf(&[
        // The catalog runs JavaScript on open and lists an embedded file.
        "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R \
         /Names << /EmbeddedFiles << /Names [(secret.txt) 6 0 R] >> \
         /JavaScript << /Names [(boot) 5 0 R] >> >> >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 8 0 R >> >> >>",
        &format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /S /JavaScript /JS (app.alert('ran'); this.exportDataObject({cName: 'secret.txt', nLaunch: 2});) >>",
        "<< /Type /Filespec /F (secret.txt) /EF << /F 7 0 R >> >>",
        &format!(
            "<< /Type /EmbeddedFile /Length {} >>\nstream\n{attachment}\nendstream",
            attachment.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("with-javascript.pdf");
    std::fs::write(&input, &bytes).unwrap();
    let data = dir.path().join("data");
    let out = hoso(&data).arg("ingest").arg(&input).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 processed"), "{text}");

    // What was stored: the original, its pages and its searchable copy; nothing taken out
    // of the attachment.
    let mut stored = Vec::new();
    let mut stack = vec![data.join("objects")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                stored.push(p);
            }
        }
    }
    let mut names: Vec<String> = stored
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .filter(|n| n.len() != 64)
        .collect();
    names.sort();
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert_eq!(names, ["pages.json", "searchable.pdf"]);
    let pages = stored
        .iter()
        .find(|p| p.ends_with("pages.json"))
        .expect("the page text derivative");
    let pages = std::fs::read_to_string(pages).unwrap();
    assert!(
        pages.contains("VISIBLE"),
        "the page itself is read: {pages}"
    );
    assert!(
        !pages.contains("ATTACHMENTSECRET"),
        "the attachment is never extracted"
    );
}
