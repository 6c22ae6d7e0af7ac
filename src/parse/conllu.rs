//! Reading and writing CoNLL-U, the Universal Dependencies file format.
//!
//! Owns the format: ten tab-separated fields per word, comments, blank lines between sentences.
//! Multiword-token ranges (`1-2 don't`) and empty nodes (`1.1`) are skipped: the models work on
//! syntactic words, the tokenisation the treebank's evaluation uses. It must not interpret tags
//! or relations.

use super::ParseError;
use super::sentence::{Sentence, Token};

fn error(line: usize, message: impl Into<String>) -> ParseError {
    ParseError::Conllu {
        line,
        message: message.into(),
    }
}

fn field_value(value: &str) -> String {
    if value == "_" {
        String::new()
    } else {
        value.to_owned()
    }
}

/// Reads every sentence of a CoNLL-U text. Word spans (`start`, `end`) are offsets in the
/// sentence's words joined by one space, or by none after a word marked `SpaceAfter=No`.
pub fn read(text: &str) -> Result<Vec<Sentence>, ParseError> {
    let mut sentences = Vec::new();
    let mut current = Sentence::default();
    let mut offset = 0;
    let mut first_line = 0;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !current.is_empty() {
                check_heads(&current, first_line)?;
                sentences.push(std::mem::take(&mut current));
            }
            offset = 0;
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 10 {
            return Err(error(
                number,
                format!("expected 10 tab-separated fields, found {}", fields.len()),
            ));
        }
        if fields[0].contains('-') || fields[0].contains('.') {
            continue; // a multiword token's range, or an empty node
        }
        let id: usize = fields[0]
            .parse()
            .map_err(|_| error(number, format!("`{}` is not a word id", fields[0])))?;
        if id != current.len() + 1 {
            return Err(error(number, format!("word id {id} out of sequence")));
        }
        if current.is_empty() {
            first_line = number;
        }
        let head: usize = match fields[6] {
            "_" => 0,
            head => head
                .parse()
                .map_err(|_| error(number, format!("`{head}` is not a head id")))?,
        };
        let form = fields[1].to_owned();
        let start = offset;
        let end = start + form.len();
        offset = if fields[9].split('|').any(|item| item == "SpaceAfter=No") {
            end
        } else {
            end + 1
        };
        current.tokens.push(Token {
            lemma: field_value(fields[2]),
            upos: field_value(fields[3]),
            xpos: field_value(fields[4]),
            head,
            deprel: field_value(fields[7]),
            form,
            start,
            end,
        });
    }
    if !current.is_empty() {
        check_heads(&current, first_line)?;
        sentences.push(current);
    }
    Ok(sentences)
}

fn check_heads(sentence: &Sentence, first_line: usize) -> Result<(), ParseError> {
    match sentence
        .tokens
        .iter()
        .position(|token| token.head > sentence.len())
    {
        Some(index) => Err(error(
            first_line + index,
            format!(
                "head {} is beyond the sentence's {} words",
                sentence.tokens[index].head,
                sentence.len()
            ),
        )),
        None => Ok(()),
    }
}

/// Writes sentences as CoNLL-U.
pub fn write(sentences: &[Sentence]) -> String {
    sentences.iter().map(Sentence::to_conllu).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# text = Moscow doesn't agree.\n\
1\tMoscow\tMoscow\tPROPN\tNNP\tNumber=Sing\t4\tnsubj\t4:nsubj\t_\n\
2-3\tdoesn't\t_\t_\t_\t_\t_\t_\t_\t_\n\
2\tdoes\tdo\tAUX\tVBZ\t_\t4\taux\t4:aux\t_\n\
3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t4:advmod\t_\n\
4\tagree\tagree\tVERB\tVB\t_\t0\troot\t0:root\tSpaceAfter=No\n\
4.1\tsaid\tsay\tVERB\tVBD\t_\t_\t_\t4:conj\t_\n\
5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t4:punct\t_\n\
\n";

    #[test]
    fn reads_words_and_skips_ranges_and_empty_nodes() {
        let sentences = read(SAMPLE).unwrap();
        assert_eq!(sentences.len(), 1);
        let words: Vec<&str> = sentences[0]
            .tokens
            .iter()
            .map(|t| t.form.as_str())
            .collect();
        assert_eq!(words, ["Moscow", "does", "n't", "agree", "."]);
        let agree = &sentences[0].tokens[3];
        assert_eq!(
            (agree.head, agree.deprel.as_str(), agree.lemma.as_str()),
            (0, "root", "agree")
        );
        assert_eq!(sentences[0].tokens[4].start, agree.end);
    }

    #[test]
    fn round_trips() {
        let sentences = read(SAMPLE).unwrap();
        let written = write(&sentences);
        assert_eq!(read(&written).unwrap(), sentences);
        assert!(written.contains("4\tagree\tagree\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No\n"));
    }

    #[test]
    fn errors_name_the_line() {
        let broken = "1\tMoscow\tMoscow\tPROPN\tNNP\t_\t0\troot\t_\t_\n2\tagrees\n";
        let message = read(broken).unwrap_err().to_string();
        assert!(message.contains("line 2"), "{message}");
        let bad_head = "1\tMoscow\tMoscow\tPROPN\tNNP\t_\t7\troot\t_\t_\n\n";
        assert!(read(bad_head).unwrap_err().to_string().contains("line 1"));
    }
}
