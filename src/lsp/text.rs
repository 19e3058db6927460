//! Positions and paths as the editor speaks them: LSP positions (line and
//! column in UTF-8 bytes or UTF-16 units, as negotiated) to byte offsets and
//! back, and `file://` URIs to paths and back.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range, Uri};

/// How the client counts columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Byte offsets of line starts of one text.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
    encoding: Encoding,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str, encoding: Encoding) -> LineIndex<'t> {
        LineIndex {
            text,
            starts: crate::diag::line_starts(text),
            encoding,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let before = &self.text[self.starts[line]..offset];
        let character = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.chars().map(char::len_utf16).sum(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    /// The byte offset of a position; past the end of a line is its end.
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let line = &self.text[start..line_end];
        let want = pos.character as usize;
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= want {
                return start + i;
            }
            units += match self.encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        line_end
    }

    /// The whole line holding `offset`, as a byte range without its newline.
    pub fn line_span(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        (start, end)
    }

    /// The range of line `line` (from 1) without its newline.
    pub fn line_range(&self, line: u32) -> Range {
        let start = self
            .starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(self.text.len());
        let (s, e) = self.line_span(start);
        self.range(s, e)
    }

    pub fn end(&self) -> Position {
        self.position(self.text.len())
    }
}

/// The file a `file://` URI names; `None` for other schemes.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file://host/path` is rare; `file:///path` has an empty host.
    let path = &rest[rest.find('/')?..];
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            let hex = std::str::from_utf8(&raw[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                bytes.push(b);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    let decoded = String::from_utf8(bytes).ok()?;
    // `file:///C:/x` on Windows.
    let decoded = match decoded.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() && cfg!(windows) => decoded[1..].to_string(),
        _ => decoded,
    };
    Some(crate::load::normalize(Path::new(&decoded)))
}

/// The `file://` URI of a path (absolute after normalizing).
pub fn path_to_uri(path: &Path) -> Uri {
    let abs = crate::load::normalize(path);
    let s = abs.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.parse()
        .unwrap_or_else(|_| "file:///".parse().expect("a valid URI"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_in_both_encodings() {
        let text = "héllo\nwörld 𝄞 x\n";
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let idx = LineIndex::new(text, enc);
            for off in [0, 1, 3, 7, 13, 18, text.len()] {
                if text.is_char_boundary(off) {
                    assert_eq!(idx.offset(idx.position(off)), off, "{enc:?} {off}");
                }
            }
        }
        let idx = LineIndex::new(text, Encoding::Utf16);
        // `𝄞` is two UTF-16 units: `x` is at column 9.
        assert_eq!(idx.position(text.find('x').unwrap()), Position::new(1, 9));
    }

    #[test]
    fn uris_round_trip() {
        let p = PathBuf::from("/tmp/a b/ü.claims");
        let uri = path_to_uri(&p);
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC.claims");
        assert_eq!(uri_to_path(&uri), Some(p));
    }
}
