//! Reading a backup file, checking every sum as it goes. Used by `verify`
//! (one pass, nothing parsed) and by `restore` (the same checks while the
//! rows are loaded).

use super::format::{
    hex_sha256, Cell, Column, FileSummary, Manifest, Record, TableSummary, FORMAT,
};
use super::BackupError;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// What the file holds, in order.
#[derive(Debug)]
pub enum Event {
    Table {
        name: String,
        columns: Vec<Column>,
    },
    /// A row, decoded when the reader was asked to.
    Row(Option<Vec<Cell>>),
    TableEnd,
    File {
        path: String,
        bytes: Vec<u8>,
    },
}

pub struct BackupReader<R: BufRead> {
    input: R,
    line: Vec<u8>,
    decode_rows: bool,
    header: Option<(u32, String, String)>,
    table: Option<(String, Vec<Column>, Sha256, u64)>,
    tables: Vec<TableSummary>,
    files: Vec<FileSummary>,
    manifest: Option<Manifest>,
}

/// The longest line (a row or a record) read. Rows are text: the longest
/// is a CMS page or a question, far below this; files travel as raw bytes
/// after their record, not as lines.
const MAX_LINE: u64 = 64 << 20;

/// The most reserved up front for a file's bytes.
const FILE_PREALLOCATE: u64 = 1 << 20;

/// What an age-encrypted file starts with.
const AGE_MAGIC: &[u8] = b"age-encryption.org/";

type Plain = BufReader<zstd::Decoder<'static, BufReader<Box<dyn Read + Send>>>>;

/// Opens a backup file for reading through its zstd stream, decrypting it
/// first with the identity file when it is encrypted with age.
pub fn open(
    path: &Path,
    identity: Option<&Path>,
    decode_rows: bool,
) -> Result<BackupReader<Plain>, BackupError> {
    let mut file = BufReader::new(
        std::fs::File::open(path)
            .map_err(|e| BackupError::Io(format!("cannot open {}: {e}", path.display())))?,
    );
    let encrypted = file
        .fill_buf()
        .map(|start| start.starts_with(AGE_MAGIC))
        .unwrap_or(false);
    let input: Box<dyn Read + Send> = if encrypted {
        Box::new(decrypt(file, identity)?)
    } else {
        Box::new(file)
    };
    let decoder = zstd::Decoder::new(input).map_err(|e| BackupError::corrupt(e.to_string()))?;
    Ok(BackupReader::new(
        BufReader::with_capacity(1 << 20, decoder),
        decode_rows,
    ))
}

fn decrypt(
    file: BufReader<std::fs::File>,
    identity: Option<&Path>,
) -> Result<age::stream::StreamReader<BufReader<std::fs::File>>, BackupError> {
    let Some(identity) = identity else {
        return Err(BackupError::Refused(
            "the backup is encrypted; set WINKEL_BACKUP_AGE_IDENTITY to the age identity file"
                .into(),
        ));
    };
    let identities = age::IdentityFile::from_file(identity.display().to_string())
        .map_err(|e| {
            BackupError::Refused(format!(
                "cannot read the age identity file {}: {e}",
                identity.display()
            ))
        })?
        .into_identities()
        .map_err(|e| BackupError::Refused(format!("the age identity file is unusable: {e}")))?;
    let decryptor = age::Decryptor::new_buffered(file)
        .map_err(|e| BackupError::corrupt(format!("its encryption header is unreadable: {e}")))?;
    decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => BackupError::Refused(
                "the backup is encrypted to another key than WINKEL_BACKUP_AGE_IDENTITY holds"
                    .into(),
            ),
            other => BackupError::corrupt(format!("it cannot be decrypted: {other}")),
        })
}

fn read_error(e: std::io::Error) -> BackupError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        BackupError::Truncated
    } else {
        BackupError::corrupt(e.to_string())
    }
}

impl<R: BufRead> BackupReader<R> {
    pub fn new(input: R, decode_rows: bool) -> Self {
        Self {
            input,
            line: Vec::with_capacity(4096),
            decode_rows,
            header: None,
            table: None,
            tables: Vec::new(),
            files: Vec::new(),
            manifest: None,
        }
    }

    /// The header: format version, migration version, creation time.
    pub fn header(&mut self) -> Result<(u32, String, String), BackupError> {
        if let Some(h) = &self.header {
            return Ok(h.clone());
        }
        if !self.read_line()? {
            return Err(BackupError::Truncated);
        }
        match serde_json::from_slice::<Record>(&self.line) {
            Ok(Record::Header {
                format,
                migration_version,
                created_at,
            }) => {
                if format > FORMAT {
                    return Err(BackupError::corrupt(format!(
                        "it has format {format}, made by a newer winkel (this one reads up to {FORMAT})"
                    )));
                }
                let header = (format, migration_version, created_at);
                self.header = Some(header.clone());
                Ok(header)
            }
            _ => Err(BackupError::corrupt("it is not a Winkel backup".into())),
        }
    }

    /// Reads one line into `self.line` (without its newline); `false` at
    /// the end of the stream. A line longer than [`MAX_LINE`] is refused
    /// before it is all in memory: a damaged or hostile file (a few bytes
    /// of zstd can unpack to gigabytes without a newline) must not take
    /// the machine's memory.
    fn read_line(&mut self) -> Result<bool, BackupError> {
        self.line.clear();
        let n = (&mut self.input)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut self.line)
            .map_err(read_error)?;
        if n == 0 {
            return Ok(false);
        }
        if self.line.last() != Some(&b'\n') {
            if n as u64 > MAX_LINE {
                return Err(BackupError::corrupt(format!(
                    "a line is longer than {} MB",
                    MAX_LINE >> 20
                )));
            }
            return Err(BackupError::Truncated);
        }
        self.line.pop();
        Ok(true)
    }

    /// The next event, or `None` once the manifest has been read and found
    /// to match everything before it.
    pub fn next_event(&mut self) -> Result<Option<Event>, BackupError> {
        self.header()?;
        if self.manifest.is_some() {
            return Ok(None);
        }
        if !self.read_line()? {
            return Err(BackupError::Truncated);
        }
        if self.line.first() == Some(&b'[') {
            let Some((_, columns, hasher, rows)) = &mut self.table else {
                return Err(BackupError::corrupt("a row outside a table".into()));
            };
            hasher.update(&self.line);
            hasher.update(b"\n");
            *rows += 1;
            if !self.decode_rows {
                return Ok(Some(Event::Row(None)));
            }
            let values: Vec<serde_json::Value> = serde_json::from_slice(&self.line)
                .map_err(|e| BackupError::corrupt(format!("a row is unreadable: {e}")))?;
            if values.len() != columns.len() {
                return Err(BackupError::corrupt("a row has the wrong length".into()));
            }
            let cells = values
                .iter()
                .zip(columns.iter())
                .map(|(v, c)| Cell::from_json(v, c.kind))
                .collect::<Result<Vec<_>, _>>()
                .map_err(BackupError::corrupt)?;
            return Ok(Some(Event::Row(Some(cells))));
        }
        let record: Record = serde_json::from_slice(&self.line)
            .map_err(|e| BackupError::corrupt(format!("a record is unreadable: {e}")))?;
        match record {
            Record::Table { name, columns } => {
                if self.table.is_some() {
                    return Err(BackupError::corrupt(format!("table {name} inside another")));
                }
                self.table = Some((name.clone(), columns.clone(), Sha256::new(), 0));
                Ok(Some(Event::Table { name, columns }))
            }
            Record::TableEnd { rows, sha256 } => {
                let Some((name, _, hasher, counted)) = self.table.take() else {
                    return Err(BackupError::corrupt("a table end without a table".into()));
                };
                let sum = hex_sha256(hasher);
                if rows != counted || sha256 != sum {
                    return Err(BackupError::corrupt(format!(
                        "table {name} does not match its checksum"
                    )));
                }
                self.tables.push(TableSummary {
                    name,
                    rows,
                    sha256: sum,
                });
                Ok(Some(Event::TableEnd))
            }
            Record::File { path, size } => {
                // The size is read from the file: room for what arrives,
                // not for what a damaged size claims.
                let mut bytes = Vec::with_capacity(size.min(FILE_PREALLOCATE) as usize);
                (&mut self.input)
                    .take(size)
                    .read_to_end(&mut bytes)
                    .map_err(read_error)?;
                if bytes.len() as u64 != size {
                    return Err(BackupError::Truncated);
                }
                let mut newline = [0u8; 1];
                self.input.read_exact(&mut newline).map_err(read_error)?;
                if newline != [b'\n'] {
                    return Err(BackupError::corrupt(format!("file {path} is damaged")));
                }
                self.files.push(FileSummary {
                    path: path.clone(),
                    size,
                    sha256: hex_sha256(Sha256::new_with_prefix(&bytes)),
                });
                Ok(Some(Event::File { path, bytes }))
            }
            Record::Manifest(manifest) => {
                let header = self.header.clone().unwrap_or_default();
                let matches = self.table.is_none()
                    && manifest.tables == self.tables
                    && manifest.files == self.files
                    && (
                        manifest.format,
                        &manifest.migration_version,
                        &manifest.created_at,
                    ) == (header.0, &header.1, &header.2);
                if !matches {
                    return Err(BackupError::corrupt(
                        "its manifest does not match its contents".into(),
                    ));
                }
                // Nothing may follow the manifest (this also drives zstd to
                // check its frame checksum).
                let mut rest = [0u8; 1];
                let more = self.input.read(&mut rest).map_err(read_error)?;
                if more != 0 {
                    return Err(BackupError::corrupt("data after the manifest".into()));
                }
                self.manifest = Some(manifest);
                Ok(None)
            }
            Record::Header { .. } => Err(BackupError::corrupt("a second header".into())),
        }
    }

    /// The manifest, once [`Self::next_event`] has returned `None`.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }
}

/// Reads the whole file and checks every sum; returns its manifest.
pub fn verify_file(path: &Path, identity: Option<&Path>) -> Result<Manifest, BackupError> {
    let mut reader = open(path, identity, false)?;
    while reader.next_event()?.is_some() {}
    reader.manifest().cloned().ok_or(BackupError::Truncated)
}
