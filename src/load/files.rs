//! Reading the user's files safely (issue 18): only regular files are read (a FIFO, a device or a
//! socket named `*.yaml` would block a read forever, so it is refused with its path), a file
//! larger than [`MAX_FILE_BYTES`] is refused before it is read, text must be UTF-8 (a GBK/GB18030
//! file is recognised and refused with how to convert it), and folder walks enter every folder
//! once and list every file once (by device and inode), so symlink loops (`ln -s . d/loop`) and
//! two links to one folder neither hang nor count a county twice.
//!
//! Every rule, county, scenario and report file fazhi reads goes through [`read_text`] or
//! [`read_bytes`]; every folder it searches goes through [`walk`].

use crate::error::{Error, Result};
use std::collections::HashSet;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The largest file fazhi reads: 256 MiB (the national rule set is about 200 KB, a county file
/// about 30 KB; the largest the tests write is a 50,000-item rule file of about 6 MB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The identity of a file: device and inode on Unix, the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    /// The identity of what `path` names, following symlinks.
    ///
    /// # Errors
    /// The I/O error of `stat` (e.g. `NotFound`).
    pub fn of(path: &Path) -> io::Result<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(path)?;
            Ok(FileId((m.dev(), m.ino())))
        }
        #[cfg(not(unix))]
        {
            Ok(FileId(std::fs::canonicalize(path)?))
        }
    }

    #[cfg(unix)]
    fn of_meta(m: &std::fs::Metadata, _path: &Path) -> io::Result<FileId> {
        use std::os::unix::fs::MetadataExt;
        Ok(FileId((m.dev(), m.ino())))
    }

    #[cfg(not(unix))]
    fn of_meta(_m: &std::fs::Metadata, path: &Path) -> io::Result<FileId> {
        Ok(FileId(std::fs::canonicalize(path)?))
    }
}

fn io_error(path: &Path, kind: io::ErrorKind, msg: String) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source: io::Error::new(kind, msg),
    }
}

/// What kind of thing a non-regular file is, in words.
fn kind_of(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// The bytes of a regular file.
///
/// The file is opened without blocking (so opening a FIFO returns at once), then checked to be a
/// regular file of at most [`MAX_FILE_BYTES`] before a byte is read.
///
/// # Errors
/// [`Error::Io`] naming `path`: it cannot be opened or read, it is a FIFO, socket, device or
/// folder ("`path`: a FIFO (named pipe), not a regular file: fazhi reads only regular files"), or
/// it is larger than [`MAX_FILE_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = opts.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(io_error(
            path,
            io::ErrorKind::InvalidInput,
            format!(
                "{}, not a regular file: fazhi reads only regular files (copy the data into a file)",
                kind_of(meta.file_type())
            ),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(io_error(
            path,
            io::ErrorKind::InvalidData,
            format!(
                "the file has {} bytes, more than the {MAX_FILE_BYTES} fazhi reads (split it: one county per file)",
                meta.len()
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // `take` keeps a file that grows while it is read within the bound.
    (&mut file)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(io_error(
            path,
            io::ErrorKind::InvalidData,
            format!("the file grew past the {MAX_FILE_BYTES} bytes fazhi reads while it was read"),
        ));
    }
    Ok(bytes)
}

/// The text of a regular UTF-8 file (a BOM and CRLF line ends are fine: the parsers skip them).
///
/// # Errors
/// Those of [`read_bytes`], and [`Error::Io`] of kind `InvalidData` when the bytes are not UTF-8:
/// see [`decode`].
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read_bytes(path)?;
    decode(path, bytes)
}

/// UTF-8 bytes as text. fazhi does not convert other encodings itself: the data's sha256 in every
/// report and ranking is over the file's bytes, `fazhi verify` re-reads them, and a guessed
/// encoding (GBK and Big5 files are often both "valid") could silently change 县 names. So a file
/// that reads as GB18030/GBK is refused with the one command that converts it.
///
/// # Errors
/// [`Error::Io`] of kind `InvalidData` naming `path`, the line and byte of the first bad
/// sequence, and, when the file decodes cleanly as GB18030 (of which GBK and GB2312 are subsets),
/// that it looks like GBK and how to save it as UTF-8.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            let (_, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            let msg = if had_errors {
                format!(
                    "the file is not UTF-8 (invalid bytes at line {line}, byte {at}); save it as UTF-8"
                )
            } else {
                format!(
                    "the file is not UTF-8 but looks like GBK/GB18030 (Chinese Windows' default, invalid as UTF-8 from line {line}); \
                     fazhi reads UTF-8 only: convert it with `iconv -f GB18030 -t UTF-8 FILE > FILE.utf8` \
                     or save it from the editor or WPS/Excel as \"UTF-8\""
                )
            };
            Err(io_error(path, io::ErrorKind::InvalidData, msg))
        }
    }
}

/// Every file below `dir` whose extension is one of `exts` (all files when `exts` is empty),
/// sorted by path. Symlinks are followed, but a folder is entered only once (a link back to a
/// folder being walked, or a second link to one already walked, is skipped), and a file reached
/// twice (by device and inode) is listed once, under its first path in sorted order.
/// FIFOs and other non-regular files with a matching extension are listed, so that reading them
/// reports them by name (see [`read_bytes`]).
///
/// # Errors
/// [`Error::Io`] naming the folder that cannot be listed.
pub fn walk(dir: &Path, exts: &[&str]) -> Result<Vec<PathBuf>> {
    let mut seen_dirs = HashSet::new();
    let mut seen_files = HashSet::new();
    let mut out = Vec::new();
    walk_into(dir, exts, &mut seen_dirs, &mut seen_files, &mut out)?;
    Ok(out)
}

fn walk_into(
    dir: &Path,
    exts: &[&str],
    seen_dirs: &mut HashSet<FileId>,
    seen_files: &mut HashSet<FileId>,
    out: &mut Vec<PathBuf>,
) -> Result<()> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let id = FileId::of(dir).map_err(io)?;
    if !seen_dirs.insert(id) {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        // Follows symlinks; a dangling link is skipped like a file of another type.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk_into(&path, exts, seen_dirs, seen_files, out)?;
        } else if exts.is_empty()
            || path
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| exts.contains(&x))
        {
            let id = FileId::of_meta(&meta, &path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            if seen_files.insert(id) {
                out.push(path);
            }
        }
    }
    Ok(())
}

/// The deepest nesting of brackets (`[` `{`) a YAML or JSON document may have. The parsers stop
/// at 128 levels themselves, but only after work that grows with the square of the depth (a
/// county file of 200,000 brackets took 64 s); this bound is checked first, in one pass.
/// Scoring data and rule files need fewer than 10 levels.
pub const MAX_NESTING: usize = 100;

/// Checks in one pass over `text` that brackets nest at most [`MAX_NESTING`] deep (texts in
/// quotes and `#` comments are skipped). Returns the 1-based line and column of the first
/// bracket too deep.
///
/// Every character that matters here is ASCII, and no byte of a multi-byte UTF-8 character is
/// an ASCII byte, so the text is scanned byte by byte, runs of bytes that change nothing skipped
/// at once; the character before a quote or a `#` (which decides whether it opens a text or a
/// comment) and the column of a bracket too deep are worked out only where they are needed.
pub(crate) fn too_deep(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    // The character before byte `i` (a space at the start, as if the text began after one).
    let prev = |i: usize| text[..i].chars().next_back().unwrap_or(' ');
    let (mut depth, mut i) = (0_usize, 0);
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            // A line end closes a comment; an open quote (and an escape) carry on.
            i += 1;
            continue;
        }
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == b'\\' && q == b'"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                } else {
                    // Nothing in a quoted text matters but its quote, a backslash, a line end.
                    i += 1;
                    while i < b.len() && !matches!(b[i], b'\n' | b'\\' | b'"' | b'\'') {
                        i += 1;
                    }
                    continue;
                }
            }
            None => match c {
                b'"' | b'\'' if depth > 0 || matches!(prev(i), ' ' | ':' | '\t') => quote = Some(c),
                b'#' if prev(i).is_whitespace() => {
                    // A comment runs to the line end.
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                        let line = b[..i].iter().filter(|x| **x == b'\n').count() + 1;
                        return Some((line, text[line_start..i].chars().count() + 1));
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {
                    i += 1;
                    while i < b.len()
                        && !matches!(
                            b[i],
                            b'\n' | b'"' | b'\'' | b'#' | b'[' | b'{' | b']' | b'}'
                        )
                    {
                        i += 1;
                    }
                    continue;
                }
            },
        }
        i += 1;
    }
    None
}

/// The message for [`too_deep`].
pub(crate) fn too_deep_message() -> String {
    format!("the document is nested more than {MAX_NESTING} levels deep (brackets within brackets); scoring data and rules need only a few levels")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_at_once_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("county.yaml");
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = read_text(&p).unwrap_err().to_string();
        assert!(e.contains("county.yaml") && e.contains("FIFO"), "{e}");
    }

    #[test]
    fn nesting_is_measured_outside_quotes_and_comments() {
        let deep = format!("a: {}{}", "[".repeat(101), "]".repeat(101));
        assert_eq!(too_deep(&deep), Some((1, 104)));
        let fine = format!("a: {}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(too_deep(&fine), None);
        let quoted = format!(
            "a: \"{}\" # {}\nb: '{}'",
            "[".repeat(200),
            "{".repeat(200),
            "[".repeat(200)
        );
        assert_eq!(too_deep(&quoted), None);
    }

    /// The scan as first written, character by character: the byte scan must agree with it.
    fn too_deep_by_chars(text: &str) -> Option<(usize, usize)> {
        let (mut depth, mut line, mut col) = (0_usize, 1, 0);
        let mut quote: Option<char> = None;
        let (mut escaped, mut comment, mut prev) = (false, false, ' ');
        for c in text.chars() {
            col += 1;
            if c == '\n' {
                line += 1;
                col = 0;
                comment = false;
                prev = c;
                continue;
            }
            if comment {
                continue;
            }
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && q == '"' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '"' | '\'' if depth > 0 || matches!(prev, ' ' | ':' | '\t') => quote = Some(c),
                    '#' if prev.is_whitespace() => comment = true,
                    '[' | '{' => {
                        depth += 1;
                        if depth > MAX_NESTING {
                            return Some((line, col));
                        }
                    }
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                },
            }
            prev = c;
        }
        None
    }

    proptest::proptest! {
        #[test]
        fn the_byte_scan_agrees_with_the_character_scan(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "[", "[", "[", "{", "]", "}", "\"", "'", "\\", "#", " ", ":", "\t", "\n",
                    "a", "县", "\u{3000}", "\u{a0}", "🙂", "[[[[[[[[[[", "{{{{{{{{{{",
                ]),
                0..400,
            ),
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(too_deep(&text), too_deep_by_chars(&text));
        }
    }

    #[test]
    fn the_byte_scan_places_a_bracket_after_wide_characters() {
        // Line 2 is `县县 ` then 101 `[`: the 101st is character 3 + 101 = 104.
        let text = format!("a: 1\n县县 {}", "[".repeat(101));
        assert_eq!(too_deep(&text), Some((2, 104)));
        assert_eq!(too_deep_by_chars(&text), Some((2, 104)));
        // `#` after an ideographic space (U+3000) opens a comment, as after a space.
        let text = format!("a:\u{3000}#{}", "[".repeat(101));
        assert_eq!(too_deep(&text), None);
    }

    #[test]
    fn a_folder_is_not_read_as_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_bytes(dir.path()).unwrap_err().to_string();
        assert!(e.contains("folder"), "{e}");
    }

    #[test]
    fn gbk_is_named_with_the_way_to_convert() {
        // 县 in GBK is 0xCF 0xD8.
        let e = decode(Path::new("c.yaml"), b"name: \xcf\xd8\n".to_vec())
            .unwrap_err()
            .to_string();
        assert!(e.contains("GBK") && e.contains("iconv -f GB18030"), "{e}");
        // A byte no encoding accepts there is not called GBK.
        let e = decode(Path::new("c.yaml"), b"a\nb: \xff\n".to_vec())
            .unwrap_err()
            .to_string();
        assert!(!e.contains("GBK") && e.contains("line 2"), "{e}");
        assert_eq!(decode(Path::new("c"), "县".into()).unwrap(), "县");
    }

    #[cfg(unix)]
    #[test]
    fn walks_enter_each_folder_once_and_list_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("a.yaml"), "x").unwrap();
        std::fs::write(d.join("sub/b.yaml"), "x").unwrap();
        std::os::unix::fs::symlink(".", d.join("loop")).unwrap();
        std::os::unix::fs::symlink(".", d.join("loop2")).unwrap();
        std::os::unix::fs::symlink("sub", d.join("sub2")).unwrap();
        std::os::unix::fs::symlink("a.yaml", d.join("c.yaml")).unwrap();
        std::os::unix::fs::symlink("nowhere", d.join("dangling.yaml")).unwrap();
        let names: Vec<_> = walk(d, &["yaml"])
            .unwrap()
            .iter()
            .map(|p| p.strip_prefix(d).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.yaml", "sub/b.yaml"]);
    }
}
