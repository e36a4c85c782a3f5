//! The workbench's data sets: the files a person dropped on the page, kept on disk in a folder
//! of the server's own (tables are read from a file), and what they give under each rule set,
//! computed once and kept while the data set is.
//!
//! Bounded: at most `--workbench-datasets` data sets (the oldest is dropped, its folder
//! removed), at most `--max-counties` files per data set and counties per rule set, each file at
//! most `--body-limit` bytes (the upload's own request).

use fazhi::analyse::change::rank::{rank_reports, Ranking};
use fazhi::analyse::policy::scores::Batch;
use fazhi::{CountyData, InputFile, RuleSet};
use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The file name extensions the data page takes.
pub const EXTENSIONS: [&str; 6] = ["yaml", "yml", "json", "xlsx", "xlsm", "csv"];

/// Every data set of the server.
pub struct Store {
    root: PathBuf,
    max: usize,
    inner: Mutex<Inner>,
}

struct Inner {
    next: u64,
    sets: VecDeque<(u64, Arc<Dataset>)>,
}

/// One data set: its files and, per rule set id, what they give.
pub struct Dataset {
    dir: PathBuf,
    files: Mutex<BTreeMap<String, PathBuf>>,
    loaded: Mutex<BTreeMap<String, Arc<Loaded>>>,
}

/// A data set read under one rule set: the counties (in file order), the files or table rows
/// that could not be read, the ranking and the matrix the page re-weights. The evaluated batch
/// itself (every county's full report) is not kept: a national-scale one is hundreds of MB; the
/// Monte Carlo route evaluates it again when asked.
pub struct Loaded {
    /// The counties read, each with its input (`name` or `name#台账!5`).
    pub counties: Vec<(CountyData, InputFile)>,
    /// The files and rows that could not be read, each with its error.
    pub failures: Vec<fazhi::Failure>,
    /// The ranking (failures included).
    pub ranking: Ranking,
    /// The per-county × per-area matrix, in county order.
    pub matrix: Vec<super::matrix::Row>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding it leaves plain data behind: keep using it.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Store {
    /// An empty store whose data sets live under the system's temporary folder
    /// (`fazhi-workbench-PID/`), at most `max` of them.
    pub fn new(max: usize) -> Store {
        remove_stale(&std::env::temp_dir());
        let root = std::env::temp_dir().join(format!("fazhi-workbench-{}", std::process::id()));
        Store {
            root,
            max: max.max(1),
            inner: Mutex::new(Inner {
                next: 0,
                sets: VecDeque::new(),
            }),
        }
    }

    /// A new empty data set and its id; the oldest is dropped when there are `max` already.
    pub fn create(&self) -> std::io::Result<String> {
        let mut inner = lock(&self.inner);
        inner.next += 1;
        let n = inner.next;
        let dir = self.root.join(n.to_string());
        std::fs::create_dir_all(&dir)?;
        while inner.sets.len() >= self.max {
            inner.sets.pop_front();
        }
        inner.sets.push_back((
            n,
            Arc::new(Dataset {
                dir,
                files: Mutex::new(BTreeMap::new()),
                loaded: Mutex::new(BTreeMap::new()),
            }),
        ));
        Ok(n.to_string())
    }

    /// The data set `id`, if it is still kept.
    pub fn get(&self, id: &str) -> Option<Arc<Dataset>> {
        let n: u64 = id.parse().ok()?;
        lock(&self.inner)
            .sets
            .iter()
            .find(|(k, _)| *k == n)
            .map(|(_, d)| d.clone())
    }

    /// Removes every data set's folder (at shutdown).
    pub fn clear(&self) {
        lock(&self.inner).sets.clear();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Removes the data-set folders (`fazhi-workbench-PID`) of servers that are gone: a server
/// killed outright (SIGKILL) cannot remove its own.
fn remove_stale(tmp: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("fazhi-workbench-"))
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        if pid > 0 && !alive(pid) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Whether process `pid` exists (signal 0 checks without sending; EPERM: it exists).
fn alive(pid: i32) -> bool {
    #[cfg(unix)]
    {
        // SAFETY: kill with signal 0 sends nothing; it only reports whether `pid` exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

impl Drop for Dataset {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The file name an upload is kept under: its last path component, when it ends in one of
/// [`EXTENSIONS`] and names no folder. `None` otherwise.
pub fn safe_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next()?.trim();
    if base.is_empty() || base.starts_with('.') || base.len() > 200 {
        return None;
    }
    let ext = Path::new(base).extension()?.to_str()?.to_ascii_lowercase();
    EXTENSIONS.contains(&ext.as_str()).then(|| base.to_string())
}

impl Dataset {
    /// Keeps `bytes` as the file `name` (a file of the same name is replaced); forgets what the
    /// files gave so far. Fails when the data set holds `max_files` other files already.
    pub fn add(&self, name: &str, bytes: &[u8], max_files: usize) -> Result<usize, String> {
        let mut files = lock(&self.files);
        if !files.contains_key(name) && files.len() >= max_files {
            return Err(format!(
                "a data set holds at most {max_files} files; start the server with a larger --max-counties"
            ));
        }
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("cannot keep {name}: {e}"))?;
        files.insert(name.to_string(), path);
        lock(&self.loaded).clear();
        Ok(files.len())
    }

    /// The file names, in name order.
    pub fn names(&self) -> Vec<String> {
        lock(&self.files).keys().cloned().collect()
    }

    /// What the files give under `rules` (read, ranked and evaluated once, then kept). Fails
    /// when they hold more than `max_counties` counties, or when the work was stopped.
    pub fn load(
        &self,
        rules: &RuleSet,
        max_counties: usize,
        cancel: &fazhi::Cancel,
    ) -> Result<Arc<Loaded>, String> {
        if let Some(l) = lock(&self.loaded).get(rules.id()) {
            return Ok(l.clone());
        }
        let files: Vec<(String, PathBuf)> = lock(&self.files)
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // The files on every core (a data set of 2,844 county files is mostly parsing).
        use rayon::prelude::*;
        let read: Vec<_> = files
            .par_iter()
            .map(|(name, path)| {
                let (mut counties, mut failures) = (Vec::new(), Vec::new());
                if !cancel.is_cancelled() {
                    self.read_file(name, path, rules, &mut counties, &mut failures);
                }
                (counties, failures)
            })
            .collect();
        if cancel.is_cancelled() {
            return Err("stopped".into());
        }
        let (mut counties, mut failures) = (Vec::new(), Vec::new());
        for (c, f) in read {
            counties.extend(c);
            failures.extend(f);
        }
        if counties.len() > max_counties {
            return Err(format!(
                "the data set holds more than {max_counties} counties; start the server with a larger --max-counties"
            ));
        }
        // One county, one input: rows or files giving the same id are all refused (as
        // `fazhi rank` does).
        let same = fazhi::scoring::batch::same_county(
            counties
                .iter()
                .map(|(c, f)| (c.info().id.as_str(), f.path.as_str())),
        );
        let mut kept = Vec::with_capacity(counties.len());
        for (i, (c, f)) in counties.into_iter().enumerate() {
            match same.get(&i) {
                Some(e) => failures.push(fazhi::Failure::new(
                    Path::new(&f.path),
                    &fazhi::Error::Invalid(e.clone()),
                )),
                None => kept.push((c, f)),
            }
        }
        // The data set is the group its relative items are ranked in (issue 27 shape 6), as
        // for `fazhi rank` over the same files: every later route (a county's report and gap,
        // Monte Carlo, a rules change) reads these counties with their group.
        let counties = fazhi::scoring::batch::grouped(rules, kept);
        let data: Vec<CountyData> = counties.iter().map(|(c, _)| c.clone()).collect();
        // Each county is scored once: the ranking is made of the batch's own reports.
        let batch = Batch::evaluate(rules, &data);
        let reports = batch
            .counties()
            .iter()
            .zip(&counties)
            .map(|(e, (_, input))| {
                let mut r = e.report.clone();
                r.county.source = Some(input.path.clone());
                r
            })
            .collect();
        let mut ranking = rank_reports(rules, reports);
        ranking.failures = failures.clone();
        ranking.provenance.inputs = counties.iter().map(|(_, f)| f.clone()).collect();
        let loaded = Arc::new(Loaded {
            counties,
            failures,
            ranking,
            matrix: super::matrix::rows(rules, &batch),
        });
        lock(&self.loaded).insert(rules.id().to_string(), loaded.clone());
        Ok(loaded)
    }

    /// Reads one kept file: a county file (named by its upload name in every message) or a
    /// county table (one county per row; a bad row is a failure of its own, the others load).
    fn read_file(
        &self,
        name: &str,
        path: &Path,
        rules: &RuleSet,
        counties: &mut Vec<(CountyData, InputFile)>,
        failures: &mut Vec<fazhi::Failure>,
    ) {
        let fail = |at: &str, e: &fazhi::Error| {
            let mut f = fazhi::Failure::new(Path::new(at), e);
            f.error = self.unpathed(&f.error);
            f
        };
        if fazhi::sheet::is_table(path) {
            match fazhi::sheet::read_table(path, rules) {
                Ok(t) => {
                    for row in t.rows {
                        let at = format!("{name}#{}", row.at);
                        match row.data {
                            Ok(d) => counties.push((d, InputFile::new(at, &t.sha256))),
                            Err(e) => failures.push(fail(&at, &e)),
                        }
                    }
                }
                Err(e) => failures.push(fail(name, &e)),
            }
            return;
        }
        let read = fazhi::files::read_bytes(path).and_then(|bytes| {
            use sha2::Digest;
            let sha = sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>();
            let text = fazhi::files::decode(path, bytes)?;
            let data = CountyData::from_str(name, &text, rules)?;
            Ok((data, sha))
        });
        match read {
            Ok((data, sha)) => counties.push((data, InputFile::new(name.to_string(), &sha))),
            Err(e) => failures.push(fail(name, &e)),
        }
    }

    /// A message with the data set's folder taken out of every path (the person knows the file
    /// by the name they dropped).
    fn unpathed(&self, message: &str) -> String {
        let mut dir = self.dir.display().to_string();
        dir.push(std::path::MAIN_SEPARATOR);
        message.replace(&dir, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names_keep_the_last_component_and_known_extensions() {
        assert_eq!(safe_name("a/b/台账.xlsx").as_deref(), Some("台账.xlsx"));
        assert_eq!(safe_name("C:\\x\\y.YAML").as_deref(), Some("y.YAML"));
        assert_eq!(safe_name("../.hidden.yaml"), None);
        assert_eq!(safe_name("notes.txt"), None);
        assert_eq!(safe_name("dir/"), None);
    }

    #[test]
    fn folders_of_servers_that_are_gone_are_removed_and_live_ones_kept() {
        let tmp = tempfile::tempdir().unwrap();
        // PID 2^22 + 1 is above Linux's largest PID (pid_max ≤ 2^22): no such process.
        let gone = tmp
            .path()
            .join(format!("fazhi-workbench-{}", (1 << 22) + 1));
        let live = tmp
            .path()
            .join(format!("fazhi-workbench-{}", std::process::id()));
        let other = tmp.path().join("fazhi-workbench-notes");
        for d in [&gone, &live, &other] {
            std::fs::create_dir_all(d.join("1")).unwrap();
        }
        remove_stale(tmp.path());
        assert!(!gone.exists());
        assert!(live.exists() && other.exists());
    }

    #[test]
    fn the_oldest_data_set_is_dropped_with_its_folder() {
        let store = Store::new(2);
        let a = store.create().unwrap();
        let dir_a = store.get(&a).unwrap().dir.clone();
        let b = store.create().unwrap();
        let c = store.create().unwrap();
        // Three made, two kept: the first is gone, and so is its folder.
        assert!(store.get(&a).is_none());
        assert!(store.get(&b).is_some() && store.get(&c).is_some());
        assert!(!dir_a.exists());
        store.clear();
    }
}
