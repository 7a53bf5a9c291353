//! The input stage: a [`Source`] -> a byte stream, decompressed when it is gzip.
//!
//! Compression is decided by the first two bytes (`1f 8b`), never by the name, so a `.gz` that is
//! not compressed and a compressed file without `.gz` both read correctly. A file that starts like
//! another container (zip, bzip2, xz, zstd, 7z, lz4) or like an HTML/XML error page is refused
//! up front with a message naming what it is ([`foreign_content`]), instead of as a line of
//! `malformed` JSON. Gzip is decoded with
//! flate2's `MultiGzDecoder` (zlib-rs backend), which reads every member of a multi-member file
//! (as `cat a.gz b.gz` or parallel compressors produce). Decompression runs on the thread that reads
//! the file (a reading lane, [`crate::reader::lanes`]), straight into the batch buffers, so it
//! overlaps with checking and several files decode at once. A corrupt or truncated gzip stream is an I/O error
//! (`InvalidData`/`UnexpectedEof`), which ends that file with exit status 2.

use crate::files::Source;
use flate2::bufread::MultiGzDecoder;
use std::io::{self, BufReader, Cursor, Read};

/// The compressed bytes read at a time.
const INPUT_BYTES: usize = 256 << 10;
/// How many leading bytes are looked at: enough for every signature [`foreign_content`] knows.
const SNIFF_BYTES: usize = 64;

/// What a file that starts with `head` is, when it is certainly not an export (neither gzip nor
/// text nor Parquet), as the message a newcomer needs: what it is, then what to do. `None` for
/// anything else, which the readers judge record by record.
pub fn foreign_content(head: &[u8]) -> Option<&'static str> {
    const CONTAINERS: [(&[u8], &str); 6] = [
        (
            b"PK\x03\x04",
            "this is a zip archive, not gzip or plain text: unzip it and validate the files inside",
        ),
        (
            b"BZh",
            "this is bzip2, not gzip: recompress it with gzip (`bunzip2 -c F | gzip > F.gz`) or decompress it first",
        ),
        (
            b"\xfd7zXZ\x00",
            "this is xz, not gzip: decompress it first (`xz -d F`) or recompress it with gzip",
        ),
        (
            b"\x28\xb5\x2f\xfd",
            "this is zstd, not gzip: decompress it first (`zstd -d F`) or recompress it with gzip",
        ),
        (
            b"7z\xbc\xaf\x27\x1c",
            "this is a 7z archive, not gzip or plain text: extract it and validate the files inside",
        ),
        (
            b"\x04\x22\x4d\x18",
            "this is lz4, not gzip: decompress it first (`lz4 -d F`) or recompress it with gzip",
        ),
    ];
    if let Some((_, what)) = CONTAINERS.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(what);
    }
    let text = head.trim_ascii_start().to_ascii_lowercase();
    let page = [b"<!doctype html".as_slice(), b"<html", b"<?xml", b"<error>"]
        .iter()
        .any(|start| text.starts_with(start));
    page.then_some(
        "this is an HTML or XML page, not an export (an expired or refused download link returns \
         one): download the file again",
    )
}

/// How the bytes were stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// As is.
    None,
    /// gzip (one or more members).
    Gzip,
}

/// An open export: its decompressed bytes.
pub struct Input {
    reader: Box<dyn Read + Send>,
    compression: Compression,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("compression", &self.compression)
            .finish_non_exhaustive()
    }
}

/// Whether the file at `path` starts with the gzip magic bytes (`false` when it cannot be read;
/// opening it for real reports that). Looked at once, when the paths are collected
/// ([`crate::files::ExportFile::gzip`]).
pub fn is_gzip_file(path: &std::path::Path) -> bool {
    let mut magic = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| magic == [0x1f, 0x8b])
}

impl Input {
    /// Opens `source` and looks at its first bytes.
    pub fn open(source: &Source) -> io::Result<Input> {
        let raw: Box<dyn Read + Send> = match source {
            Source::Path(path) => Box::new(std::fs::File::open(path)?),
            Source::Stdin => Box::new(io::stdin()),
        };
        Input::from_reader(raw)
    }

    /// Wraps any reader (gzip detected the same way). A stream that starts like another
    /// container (zip, bzip2, xz, zstd, 7z, lz4) or like an HTML/XML page (what an expired
    /// download link returns) is refused with an error that says what it is and what to do.
    pub fn from_reader(mut raw: Box<dyn Read + Send>) -> io::Result<Input> {
        let mut magic = [0u8; SNIFF_BYTES];
        let mut got = 0;
        while got < magic.len() {
            match raw.read(magic.get_mut(got..).unwrap_or_default()) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let head = magic.get(..got).unwrap_or_default();
        if let Some(what) = foreign_content(head) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, what));
        }
        let whole = Cursor::new(head.to_vec()).chain(raw);
        if head.starts_with(&[0x1f, 0x8b]) {
            Ok(Input {
                reader: Box::new(GzipReader {
                    decoder: MultiGzDecoder::new(BufReader::with_capacity(INPUT_BYTES, whole)),
                }),
                compression: Compression::Gzip,
            })
        } else {
            Ok(Input {
                reader: Box::new(whole),
                compression: Compression::None,
            })
        }
    }

    /// Whether the input was gzip.
    pub fn compression(&self) -> Compression {
        self.compression
    }
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf)
    }
}

/// A gzip stream decoded as it is read, on the reading thread ([`crate::reader::lanes`] gives
/// every file being read a thread of its own, so decoding several files uses several cores).
/// Decoding straight into the reader's buffer saves the copy a separate decoder thread's chunks
/// needed. A corrupt or truncated stream says what to do about it.
struct GzipReader<R: Read> {
    decoder: MultiGzDecoder<BufReader<R>>,
}

impl<R: Read> Read for GzipReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.decoder.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                return e;
            }
            io::Error::new(
                e.kind(),
                format!("the gzip data is corrupt or cut short ({e}); download the file again"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression as Level;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Level::fast());
        encoder.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
        encoder.finish().unwrap_or_else(|e| panic!("{e}"))
    }

    fn read_all(bytes: Vec<u8>) -> (Compression, io::Result<Vec<u8>>) {
        let mut input =
            Input::from_reader(Box::new(Cursor::new(bytes))).unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        let result = input.read_to_end(&mut out).map(|_| out);
        (input.compression(), result)
    }

    #[test]
    fn plain_and_tiny_inputs_pass_through() {
        assert_eq!(read_all(b"{}\n".to_vec()).1.ok(), Some(b"{}\n".to_vec()));
        assert_eq!(read_all(b"{".to_vec()).1.ok(), Some(b"{".to_vec()));
        assert_eq!(read_all(Vec::new()).1.ok(), Some(Vec::new()));
        assert_eq!(read_all(vec![0x1f]).0, Compression::None);
    }

    #[test]
    fn multi_member_gzip_is_read_whole() {
        let big: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("{i}\n").into_bytes())
            .collect();
        let mut both = gzip(&big);
        both.extend(gzip(b"second member\n"));
        let (compression, result) = read_all(both);
        assert_eq!(compression, Compression::Gzip);
        let mut expected = big;
        expected.extend_from_slice(b"second member\n");
        assert_eq!(result.ok(), Some(expected));
    }

    #[test]
    fn corrupt_and_truncated_gzip_are_errors() {
        let good = gzip(&b"hello world\n".repeat(1000));
        let truncated = good[..good.len() / 2].to_vec();
        assert!(read_all(truncated).1.is_err());
        let mut corrupt = good.clone();
        for b in corrupt.iter_mut().skip(12).take(20) {
            *b ^= 0x55;
        }
        let error = read_all(corrupt).1.err().map(|e| e.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.ends_with("download the file again")),
            "{error:?}"
        );
    }

    #[test]
    fn other_containers_and_error_pages_are_named() {
        let cases: [(&[u8], &str); 9] = [
            (b"PK\x03\x04\x14\x00", "zip archive"),
            (b"BZh91AY&SY", "bzip2"),
            (b"\xfd7zXZ\x00\x00\x04", "xz"),
            (b"\x28\xb5\x2f\xfd\x24", "zstd"),
            (b"7z\xbc\xaf\x27\x1c\x00", "7z archive"),
            (b"\x04\x22\x4d\x18\x64", "lz4"),
            (b"<!DOCTYPE html><html>denied</html>\n", "HTML or XML page"),
            (
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied",
                "HTML or XML page",
            ),
            (b"  \n<HTML><body>", "HTML or XML page"),
        ];
        for (head, what) in cases {
            let error = Input::from_reader(Box::new(Cursor::new(head.to_vec()))).err();
            let message = error.map(|e| e.to_string()).unwrap_or_default();
            assert!(message.contains(what), "{head:?}: {message:?}");
        }
        // Exports, and what only looks close, still pass to the readers.
        for head in [
            b"{\"meta\":{}}\n".as_slice(),
            b"meta.ts,meta.action\n",
            b"PAR1\x15\x04",
            b"PK",
            b"<not a page>",
            b"",
        ] {
            assert!(read_all(head.to_vec()).1.is_ok(), "{head:?}");
        }
    }
}
