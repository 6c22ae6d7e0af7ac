//! The binary form of a model: little-endian numbers, length-prefixed strings and arrays.
//!
//! Owns the byte layout only; each model part writes and reads its own fields through it. Arrays
//! are stored as one run of bytes so that loading a model is a few bulk copies, never a parse of
//! millions of small records. It must not interpret what it reads.

use std::borrow::Cow;

use super::ParseError;

/// Appends values to a byte buffer.
#[derive(Default)]
pub(crate) struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    pub(crate) fn u32(&mut self, value: u32) {
        self.raw(&value.to_le_bytes());
    }

    pub(crate) fn u64(&mut self, value: u64) {
        self.raw(&value.to_le_bytes());
    }

    /// A length, which every reader bounds by the bytes left.
    pub(crate) fn len(&mut self, value: usize) {
        self.u64(value as u64);
    }

    pub(crate) fn str(&mut self, value: &str) {
        self.len(value.len());
        self.raw(value.as_bytes());
    }

    pub(crate) fn strs(&mut self, values: &[String]) {
        self.len(values.len());
        for value in values {
            self.str(value);
        }
    }

    pub(crate) fn u8s(&mut self, values: &[u8]) {
        self.len(values.len());
        self.raw(values);
    }

    pub(crate) fn u16s(&mut self, values: &[u16]) {
        self.len(values.len());
        self.bytes.reserve(values.len() * 2);
        for value in values {
            self.raw(&value.to_le_bytes());
        }
    }

    pub(crate) fn u64s(&mut self, values: &[u64]) {
        self.len(values.len());
        self.bytes.reserve(values.len() * 8);
        for value in values {
            self.raw(&value.to_le_bytes());
        }
    }
}

/// Reads values back in the order they were written; running out of bytes is an error, never a
/// panic, because a model may come from anywhere.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
    /// The same bytes when they live as long as the program (a model embedded in the binary):
    /// large arrays are then borrowed rather than copied.
    lasting: Option<&'static [u8]>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader {
            bytes,
            offset: 0,
            lasting: None,
        }
    }

    /// A reader whose large arrays borrow from `bytes` ([`Reader::shared_bytes`]).
    pub(crate) fn lasting(bytes: &'static [u8]) -> Reader<'static> {
        Reader {
            bytes,
            offset: 0,
            lasting: Some(bytes),
        }
    }

    /// An array of bytes as written by `u8s`: borrowed when the reader's bytes live as long as
    /// the program, copied otherwise.
    pub(crate) fn shared_bytes(&mut self, what: &str) -> Result<Cow<'static, [u8]>, ParseError> {
        let len = self.len(1, what)?;
        let start = self.offset;
        let bytes = self.raw(len, what)?;
        Ok(match self.lasting {
            Some(lasting) => Cow::Borrowed(&lasting[start..start + len]),
            None => Cow::Owned(bytes.to_vec()),
        })
    }

    pub(crate) fn is_at_end(&self) -> bool {
        self.offset == self.bytes.len()
    }

    pub(crate) fn raw(&mut self, count: usize, what: &str) -> Result<&'a [u8], ParseError> {
        let end = self
            .offset
            .checked_add(count)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| {
                ParseError::Model(format!("truncated at {what} (byte {})", self.offset))
            })?;
        let slice = &self.bytes[self.offset..end];
        self.offset = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], ParseError> {
        let mut array = [0; N];
        array.copy_from_slice(self.raw(N, what)?);
        Ok(array)
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, ParseError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64, ParseError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    /// A length of items of `item_size` bytes each, checked against the bytes left so that a
    /// damaged length cannot make the reader allocate gigabytes.
    pub(crate) fn len(&mut self, item_size: usize, what: &str) -> Result<usize, ParseError> {
        let value = self.u64(what)?;
        let left = (self.bytes.len() - self.offset) as u64;
        if value.saturating_mul(item_size as u64) > left {
            return Err(ParseError::Model(format!(
                "{what} claims {value} items, more than the model holds"
            )));
        }
        usize::try_from(value).map_err(|_| ParseError::Model(format!("{what} is too long")))
    }

    /// The bytes of an array of `item_size`-byte items, as written by `u8s`, `u16s` or
    /// `u64s`, for a caller that decodes them itself.
    pub(crate) fn array_bytes(
        &mut self,
        item_size: usize,
        what: &str,
    ) -> Result<&'a [u8], ParseError> {
        let len = self.len(item_size, what)?;
        self.raw(len * item_size, what)
    }

    pub(crate) fn str(&mut self, what: &str) -> Result<String, ParseError> {
        let len = self.len(1, what)?;
        let bytes = self.raw(len, what)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| ParseError::Model(format!("{what} is not UTF-8")))
    }

    pub(crate) fn strs(&mut self, what: &str) -> Result<Vec<String>, ParseError> {
        let count = self.len(8, what)?;
        (0..count).map(|_| self.str(what)).collect()
    }

    pub(crate) fn u16s(&mut self, what: &str) -> Result<Vec<u16>, ParseError> {
        let len = self.len(2, what)?;
        let bytes = self.raw(len * 2, what)?;
        Ok(bytes
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect())
    }

    pub(crate) fn u64s(&mut self, what: &str) -> Result<Vec<u64>, ParseError> {
        let len = self.len(8, what)?;
        let bytes = self.raw(len * 8, what)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|chunk| {
                let mut array = [0; 8];
                array.copy_from_slice(chunk);
                u64::from_le_bytes(array)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_in_order() {
        let mut writer = Writer::default();
        writer.u32(7);
        writer.str("nsubj:pass");
        writer.u16s(&[0xfffd, 0x7fff, 0x8000]);
        writer.u16s(&[1, 65535]);
        writer.u64s(&[u64::MAX, 0]);
        writer.strs(&["a".to_owned(), "bc".to_owned()]);
        let bytes = writer.into_bytes();
        let mut reader = Reader::new(&bytes);
        assert_eq!(reader.u32("n").unwrap(), 7);
        assert_eq!(reader.str("s").unwrap(), "nsubj:pass");
        assert_eq!(
            reader.array_bytes(2, "w").unwrap(),
            [0xfd, 0xff, 0xff, 0x7f, 0x00, 0x80]
        );
        assert_eq!(reader.u16s("f").unwrap(), vec![1, 65535]);
        assert_eq!(reader.u64s("k").unwrap(), vec![u64::MAX, 0]);
        assert_eq!(reader.strs("v").unwrap(), vec!["a", "bc"]);
        assert!(reader.is_at_end());
    }

    #[test]
    fn truncated_or_inflated_input_is_an_error() {
        let mut writer = Writer::default();
        writer.u16s(&[1, 2, 3]);
        let bytes = writer.into_bytes();
        assert!(
            Reader::new(&bytes[..bytes.len() - 1])
                .array_bytes(2, "w")
                .is_err()
        );
        let mut inflated = bytes.clone();
        inflated[7] = 0x7f;
        assert!(Reader::new(&inflated).array_bytes(2, "w").is_err());
    }
}
