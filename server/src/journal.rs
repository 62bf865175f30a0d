//! The data directory of `--data-dir`: a snapshot plus a journal of every change since.
//!
//! Files:
//!
//! * `snapshot.json` — `{"generation": g, "registry": <registry snapshot>}`, written to
//!   `snapshot.json.tmp`, fsynced and renamed into place (then the directory is fsynced);
//! * `journal.<g>` — the changes made after snapshot `g`, one record each;
//! * `LOCK` — held (an advisory file lock) while a server uses the directory.
//!
//! A record is `length: u32 LE`, `crc32 of the payload: u32 LE`, then the payload: one
//! [`Entry`] as JSON. A record is appended and the file fsynced (one fsync covers every
//! record written meanwhile: group commit) before the change's answer leaves.
//!
//! On start the snapshot is loaded and the journal replayed in order. A record cut short
//! or failing its checksum *at the end of the journal* is what a crash during an append
//! leaves; that change was never acknowledged, so the tail is truncated to the last whole
//! record with a warning. A bad record *followed by more data* is damage, not a torn
//! append: the server refuses to start and names the offset. A record that is whole but
//! that the registry refuses also stops the start.
//!
//! Compaction: past a size threshold (and at a clean shutdown) the whole state is written
//! as snapshot `g + 1` with an empty `journal.<g+1>`, and `journal.<g>` is removed. A crash
//! at any point leaves either the old snapshot with its complete journal or the new one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use lambda_versioning::registry::FunctionRecord;
use lambda_versioning::{Registry, RegistryBuilder, Snapshot};
use serde::{Deserialize, Serialize};

/// One journaled change.
#[derive(Debug, Serialize, Deserialize)]
pub enum Entry {
    /// One function's whole state after the change.
    Function(FunctionRecord),
    /// The whole registry after a change to account-wide state (event source mappings).
    Registry(Box<Snapshot>),
}

/// The snapshot file's content.
#[derive(Serialize, Deserialize)]
struct SnapshotFile {
    generation: u64,
    registry: Snapshot,
}

/// Why the directory could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// A file operation failed.
    Io(PathBuf, io::Error),
    /// Another process holds the directory.
    Locked(PathBuf),
    /// The snapshot or a journal record is damaged or refused.
    Corrupt(PathBuf, String),
}

impl std::error::Error for OpenError {}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Io(path, e) => write!(f, "{}: {e}", path.display()),
            OpenError::Locked(path) => write!(
                f,
                "{} is in use by another server (its LOCK file is held)",
                path.display()
            ),
            OpenError::Corrupt(path, problem) => write!(f, "{}: {problem}", path.display()),
        }
    }
}

/// What opening the directory found.
#[derive(Debug)]
pub struct Recovered {
    /// The state: snapshot plus journal.
    pub registry: Registry,
    /// The generation in use.
    pub generation: u64,
    /// Journal records replayed.
    pub replayed: u64,
    /// Bytes of a torn tail that were truncated (0 if none).
    pub truncated: u64,
}

/// The open journal: appends records, fsyncs, compacts.
#[derive(Debug)]
pub struct Journal {
    dir: PathBuf,
    _lock: File,
    file: File,
    generation: u64,
    len: u64,
}

/// Size of a record's header.
const HEADER: usize = 8;
/// Largest record accepted when reading (a whole registry snapshot fits well within).
const MAX_RECORD: u32 = 1 << 30;

impl Journal {
    /// Opens (creating if needed) the data directory, takes its lock, loads the snapshot
    /// and replays the journal onto a registry made by `make`.
    ///
    /// # Errors
    ///
    /// See [`OpenError`].
    pub fn open(
        dir: &Path,
        make: impl Fn() -> RegistryBuilder,
    ) -> Result<(Journal, Recovered), OpenError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |e| OpenError::Io(path, e)
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        let lock_path = dir.join("LOCK");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => return Err(OpenError::Locked(dir.to_owned())),
            Err(fs::TryLockError::Error(e)) => return Err(OpenError::Io(lock_path, e)),
        }

        let snapshot_path = dir.join("snapshot.json");
        let (generation, mut registry) = match fs::read(&snapshot_path) {
            Ok(bytes) => {
                let file: SnapshotFile = serde_json::from_slice(&bytes)
                    .map_err(|e| OpenError::Corrupt(snapshot_path.clone(), e.to_string()))?;
                let registry = make()
                    .build_from_snapshot(file.registry)
                    .map_err(|e| OpenError::Corrupt(snapshot_path.clone(), e.to_string()))?;
                (file.generation, registry)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => (0, make().build()),
            Err(e) => return Err(OpenError::Io(snapshot_path, e)),
        };
        let _ = fs::remove_file(dir.join("snapshot.json.tmp"));
        remove_other_journals(dir, generation);

        let path = journal_path(dir, generation);
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io(&path))?;
        let mut offset = 0usize;
        let mut replayed = 0u64;
        while offset < bytes.len() {
            let record = match read_record(&bytes[offset..]) {
                Ok(record) => record,
                Err(problem) => {
                    let end = offset + problem.record_len;
                    if end < bytes.len() {
                        return Err(OpenError::Corrupt(
                            path,
                            format!(
                                "damaged record at byte {offset} ({}) with {} more bytes after it; \
                                 refusing to start",
                                problem.what,
                                bytes.len() - end
                            ),
                        ));
                    }
                    break;
                }
            };
            let entry: Entry = serde_json::from_slice(record.payload).map_err(|e| {
                OpenError::Corrupt(path.clone(), format!("record at byte {offset}: {e}"))
            })?;
            apply(&mut registry, entry, &make).map_err(|e| {
                OpenError::Corrupt(path.clone(), format!("record at byte {offset}: {e}"))
            })?;
            offset += record.len;
            replayed += 1;
        }
        let truncated = (bytes.len() - offset) as u64;
        if truncated > 0 {
            file.set_len(offset as u64).map_err(io(&path))?;
            file.sync_all().map_err(io(&path))?;
        }
        let journal = Journal {
            dir: dir.to_owned(),
            _lock: lock,
            file,
            generation,
            len: offset as u64,
        };
        let recovered = Recovered {
            registry,
            generation,
            replayed,
            truncated,
        };
        Ok((journal, recovered))
    }

    /// Bytes in the current journal.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the current journal holds no record.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The generation in use.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Writes one record (not yet fsynced: see [`Journal::syncer`]).
    ///
    /// # Errors
    ///
    /// The write failed; the record may be partly written (a torn tail, truncated at the
    /// next start, and never acknowledged).
    pub fn append(&mut self, entry: &Entry) -> io::Result<()> {
        let payload = serde_json::to_vec(entry).map_err(io::Error::other)?;
        let len = u32::try_from(payload.len())
            .ok()
            .filter(|l| *l <= MAX_RECORD)
            .ok_or_else(|| io::Error::other("journal record over 1 GiB"))?;
        let mut record = Vec::with_capacity(HEADER + payload.len());
        record.extend_from_slice(&len.to_le_bytes());
        record.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        record.extend_from_slice(&payload);
        self.file.write_all(&record)?;
        self.len += record.len() as u64;
        Ok(())
    }

    /// A handle that fsyncs the journal file (for group commit outside the writer lock).
    ///
    /// # Errors
    ///
    /// The file handle could not be duplicated.
    pub fn syncer(&self) -> io::Result<File> {
        self.file.try_clone()
    }

    /// Writes `registry` as snapshot `generation + 1` and starts an empty journal for it.
    ///
    /// # Errors
    ///
    /// A file operation failed; the previous snapshot and journal are still whole.
    pub fn compact(&mut self, registry: &Registry) -> io::Result<()> {
        let next = self.generation + 1;
        let tmp = self.dir.join("snapshot.json.tmp");
        let bytes = serde_json::to_vec(&SnapshotFile {
            generation: next,
            registry: registry.export(),
        })
        .map_err(io::Error::other)?;
        {
            let mut f = File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
        }
        let new_path = journal_path(&self.dir, next);
        let new_file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&new_path)?;
        new_file.sync_all()?;
        fs::rename(&tmp, self.dir.join("snapshot.json"))?;
        File::open(&self.dir)?.sync_all()?;
        // From here the new snapshot is the state; the old journal is history.
        let _ = fs::remove_file(journal_path(&self.dir, self.generation));
        self.file = new_file;
        self.generation = next;
        self.len = 0;
        Ok(())
    }
}

/// Applies one journaled change.
fn apply(
    registry: &mut Registry,
    entry: Entry,
    make: &impl Fn() -> RegistryBuilder,
) -> Result<(), String> {
    match entry {
        Entry::Function(record) => registry
            .apply_function_record(&record)
            .map_err(|e| e.to_string()),
        Entry::Registry(snapshot) => {
            *registry = make()
                .build_from_snapshot(*snapshot)
                .map_err(|e| e.to_string())?;
            Ok(())
        }
    }
}

fn journal_path(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("journal.{generation}"))
}

/// Removes journals of other generations (older ones compacted away, or a newer one a
/// crash left before its snapshot was renamed into place).
fn remove_other_journals(dir: &Path, generation: u64) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(g) = name
            .to_str()
            .and_then(|n| n.strip_prefix("journal."))
            .and_then(|g| g.parse::<u64>().ok())
        else {
            continue;
        };
        if g != generation {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// One whole record read from the journal.
struct Record<'a> {
    payload: &'a [u8],
    len: usize,
}

/// A record that cannot be read, and how many bytes it claims.
struct BadRecord {
    what: &'static str,
    record_len: usize,
}

fn read_record(bytes: &[u8]) -> Result<Record<'_>, BadRecord> {
    let Some((header, rest)) = bytes.split_first_chunk::<HEADER>() else {
        return Err(BadRecord {
            what: "header cut short",
            record_len: bytes.len(),
        });
    };
    let [l0, l1, l2, l3, c0, c1, c2, c3] = *header;
    let len = u32::from_le_bytes([l0, l1, l2, l3]);
    let crc = u32::from_le_bytes([c0, c1, c2, c3]);
    if len > MAX_RECORD || len as usize > rest.len() {
        return Err(BadRecord {
            what: "payload cut short",
            record_len: bytes.len(),
        });
    }
    let payload = &rest[..len as usize];
    if crc32fast::hash(payload) != crc {
        return Err(BadRecord {
            what: "checksum mismatch",
            record_len: HEADER + len as usize,
        });
    }
    Ok(Record {
        payload,
        len: HEADER + len as usize,
    })
}
