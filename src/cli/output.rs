//! Output files that never cost the user a file (issue 18).
//!
//! - [`guard`]: before anything runs, a target that is the same file as an input (by device and
//!   inode, so through symlinks, hard links and relative paths), a folder, or a read-only file is
//!   refused. A read-only file is refused even for root, who would otherwise write over it.
//! - [`write_atomic`]: the text goes to an anonymous file (`O_TMPFILE` on Linux) in the target's
//!   folder, which is given a name (`.NAME.fazhi-tmp-PID`) only once complete and at once renamed
//!   over the target; a run killed at any moment, even by `kill -9`, leaves no file behind. Where
//!   `O_TMPFILE` is not available the named temporary file is removed on every error path and on
//!   SIGINT/SIGTERM/SIGHUP ([`install_cleanup`]). A symlinked target is written through (the link
//!   stays a link); a new file gets the usual permissions (0644 under umask 022), an existing
//!   file keeps its mode.

use fazhi::files::{self, FileId};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Named temporary files being written, removed by the signal handler.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes pending temporary files on SIGINT, SIGTERM and SIGHUP, then exits with 130.
pub fn install_cleanup() {
    // Failing to install (a handler already set by an embedding) only loses the cleanup.
    let _ = ctrlc::set_handler(|| {
        if let Ok(pending) = PENDING.lock() {
            for p in pending.iter() {
                let _ = std::fs::remove_file(p);
            }
        }
        std::process::exit(130);
    });
}

/// Every file an input argument stands for: the file itself, or every file below a folder.
fn input_ids(inputs: &[&Path]) -> HashMap<FileId, PathBuf> {
    let mut ids = HashMap::new();
    for input in inputs {
        let listed = if input.is_dir() {
            files::walk(input, &[]).unwrap_or_default()
        } else {
            vec![input.to_path_buf()]
        };
        for f in listed {
            if let Ok(id) = FileId::of(&f) {
                ids.entry(id).or_insert(f);
            }
        }
    }
    ids
}

/// Refuses output targets that would cost the user a file: the same file as an input (device and
/// inode), a folder, or a read-only file. Run it before any work.
pub fn guard(targets: &[&Path], inputs: &[&Path]) -> Result<(), String> {
    let mut ids: Option<HashMap<FileId, PathBuf>> = None;
    for t in targets {
        let Ok(meta) = std::fs::metadata(t) else {
            // Not there yet (or a dangling link): nothing to lose.
            continue;
        };
        if meta.is_dir() {
            return Err(format!(
                "{}: is a folder; --out names a file to write",
                t.display()
            ));
        }
        if meta.permissions().readonly() {
            return Err(format!(
                "{}: Permission denied: the file is read-only (a shell's `>` would refuse it too); \
                 make it writable (chmod u+w) or write to another file",
                t.display()
            ));
        }
        let id = FileId::of(t).map_err(|e| format!("{}: {e}", t.display()))?;
        let ids = ids.get_or_insert_with(|| input_ids(inputs));
        if let Some(input) = ids.get(&id) {
            return Err(format!(
                "{}: is the same file as the input {}; fazhi never writes over its inputs: choose another output file",
                t.display(),
                input.display()
            ));
        }
    }
    Ok(())
}

/// The file a path finally names, following symlinks (also a dangling one, whose target will
/// be created). At most 40 links, like the kernel.
fn resolve(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&p) {
                Ok(t) if t.is_absolute() => p = t,
                Ok(t) => p = p.parent().unwrap_or(Path::new("")).join(t),
                Err(_) => break,
            },
            _ => break,
        }
    }
    p
}

/// Writes `bytes` to `path` atomically (see the module documentation).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let target = resolve(path);
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .ok_or_else(|| format!("{}: not a file name", path.display()))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(".{name}.fazhi-tmp-{}", std::process::id()));
    let mode = std::fs::metadata(&target).ok().map(|m| m.permissions());
    PENDING.lock().map_err(|e| e.to_string())?.push(tmp.clone());
    #[cfg(target_os = "linux")]
    let done = linux::write_anonymous(dir, &tmp, &target, bytes, mode.clone());
    #[cfg(not(target_os = "linux"))]
    let done = None;
    let result = done.unwrap_or_else(|| write_named(&tmp, &target, bytes, mode));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    if let Ok(mut p) = PENDING.lock() {
        p.retain(|x| x != &tmp);
    }
    result.map_err(err)
}

fn write_named(
    tmp: &Path,
    target: &Path,
    bytes: &[u8],
    mode: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o666);
    }
    let _ = std::fs::remove_file(tmp);
    let mut f = opts.open(tmp)?;
    f.write_all(bytes)?;
    if let Some(m) = mode {
        f.set_permissions(m)?;
    }
    f.sync_all()?;
    std::fs::rename(tmp, target)
}

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::CString;
    use std::io::Write;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    use std::path::Path;

    /// `None` when the file system has no `O_TMPFILE` (the caller falls back to a named file).
    pub(super) fn write_anonymous(
        dir: &Path,
        tmp: &Path,
        target: &Path,
        bytes: &[u8],
        mode: Option<std::fs::Permissions>,
    ) -> Option<std::io::Result<()>> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_TMPFILE)
            .mode(0o666)
            .open(dir)
            .ok()?;
        let run = || -> std::io::Result<()> {
            f.write_all(bytes)?;
            if let Some(m) = mode {
                f.set_permissions(m)?;
            }
            f.sync_all()
        };
        if let Err(e) = run() {
            return Some(Err(e));
        }
        let from = CString::new(format!("/proc/self/fd/{}", f.as_raw_fd())).ok()?;
        let to = CString::new(tmp.as_os_str().as_bytes()).ok()?;
        let _ = std::fs::remove_file(tmp);
        // SAFETY: both are valid NUL-terminated paths; the descriptor is open.
        let linked = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if linked != 0 {
            // No /proc, say: the named fallback writes the file again.
            return None;
        }
        let renamed = std::fs::rename(tmp, target);
        if renamed.is_err() {
            let _ = std::fs::remove_file(tmp);
        }
        Some(renamed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_is_refused_through_a_symlink_and_a_relative_path() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("data")).unwrap();
        std::fs::write(d.join("data/c.yaml"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("data/c.yaml", d.join("link.yaml")).unwrap();
        let input = d.join("data");
        let e = guard(&[&d.join("data/../data/c.yaml")], &[&input]).unwrap_err();
        assert!(e.contains("same file as the input"), "{e}");
        #[cfg(unix)]
        assert!(guard(&[&d.join("link.yaml")], &[&input]).is_err());
        assert!(guard(&[&d.join("new.md")], &[&input]).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_a_symlink_keeping_mode_and_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("real.md"), "old").unwrap();
        std::fs::set_permissions(d.join("real.md"), std::fs::Permissions::from_mode(0o640))
            .unwrap();
        std::os::unix::fs::symlink("real.md", d.join("link.md")).unwrap();
        write_atomic(&d.join("link.md"), b"new").unwrap();
        assert!(std::fs::symlink_metadata(d.join("link.md"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(d.join("real.md")).unwrap(), "new");
        let mode = std::fs::metadata(d.join("real.md")).unwrap().permissions();
        assert_eq!(mode.mode() & 0o777, 0o640);
        // Nothing else is left in the folder.
        assert_eq!(std::fs::read_dir(d).unwrap().count(), 2);
    }
}
