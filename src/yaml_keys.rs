//! Setting one key of a YAML text aside, keeping every other line and column where it was, so that
//! a file with a misspelt key can be parsed again and its other problems reported in the same
//! lint run (`load`). The YAML parser reports the unknown key's place but cannot skip it while
//! the model's types refuse unknown keys, so this small text edit stands in: the key and its
//! value become a comment (block style) or spaces (inside `{ … }`).

/// `text` with the key that starts at 1-based `line`, `column` set aside, or `None` when the
/// place does not hold a key.
pub(crate) fn set_aside(text: &str, line: usize, column: usize) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let l = lines.get(line.checked_sub(1)?)?;
    let at = l
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map(|(i, _)| i)?;
    let before = l[..at].trim_end();
    let mut out: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    if before.ends_with('{') || before.ends_with(',') {
        // Inside a flow mapping: blank the key and its value up to the next `,` or `}` at depth 0.
        let rest = &l[at..];
        let mut depth = 0i32;
        let mut quote: Option<char> = None;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '[' | '{') => depth += 1,
                (None, ']') => depth -= 1,
                (None, '}') if depth == 0 => {
                    end = i;
                    break;
                }
                (None, '}') => depth -= 1,
                (None, ',') if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        let blank: String = rest[..end].chars().map(|_| ' ').collect();
        out[line - 1] = format!("{}{}{}", &l[..at], blank, &rest[end..]);
        return Some(out.join("\n"));
    }
    if !before.is_empty() && !before.ends_with('-') {
        return None;
    }
    // Block style: the key's line and its more-indented continuation lines become comments.
    let indent = l[..at].chars().count();
    out[line - 1] = format!("{}#{}", &l[..at], &l[at..]);
    for (k, next) in lines.iter().enumerate().skip(line) {
        let t = next.trim_start();
        let ind = next.len() - t.len();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if ind <= indent {
            break;
        }
        out[k] = format!("{}#{}", &next[..ind], t);
    }
    Some(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_keys_become_comments() {
        let t = "a:\n  scor: |\n    x\n    y\n  points: 2\n";
        assert_eq!(
            set_aside(t, 2, 3).unwrap(),
            "a:\n  #scor: |\n    #x\n    #y\n  points: 2\n"
        );
        let t = "- bogus: 1\n  id: x\n";
        assert_eq!(set_aside(t, 1, 3).unwrap(), "- #bogus: 1\n  id: x\n");
    }

    #[test]
    fn flow_keys_become_spaces() {
        let t = "- { id: \"1\", pionts: [1, {a: 2}], name: x }\n";
        let s = set_aside(t, 1, 14).unwrap();
        assert_eq!(s, "- { id: \"1\",                      name: x }\n");
        let t = "x: { a: 1, b: 2 }\n";
        assert_eq!(set_aside(t, 1, 12).unwrap(), "x: { a: 1,      }\n");
        assert_eq!(set_aside(t, 1, 4), None);
    }
}
