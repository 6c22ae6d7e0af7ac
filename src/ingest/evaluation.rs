//! Measuring the news coder against a gold manifest of real articles
//! (`tests/news_real/README.md` gives the format and the matching rules).
//!
//! Owns the manifest format and the scoring: which proposal matches which gold event, and the
//! figures a desk cares about (precision, recall, recall of the news itself, the main event,
//! proposals on irrelevant articles). It codes through the same calls as `dyad ingest`, and
//! never writes to the store.

use super::coder::{CodingError, CodingOptions, Dictionary, Proposal, code};
use crate::domain::event::Validator;
use crate::domain::framework::Framework;
use crate::domain::taxonomy::Taxonomy;
use chrono::NaiveDate;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A manifest or a staged text could not be used.
#[derive(Debug, Error)]
pub enum EvaluationError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A staged text could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The manifest is not in the documented format.
    #[error("manifest {path}: field `{field}`: {problem}")]
    Manifest {
        /// The manifest's path.
        path: PathBuf,
        /// The JSON path at fault.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// A staged text is not the one the gold was written from.
    #[error(
        "{path}: its sha256 is {found}, the manifest says {expected}: stage the article's text \
         again (tests/news_real/README.md)"
    )]
    TextChanged {
        /// The staged text.
        path: PathBuf,
        /// The manifest's digest.
        expected: String,
        /// The file's digest.
        found: String,
    },
    /// The coder refused an article.
    #[error("article {id}: {source}")]
    Coding {
        /// The article's id.
        id: String,
        /// Why.
        source: CodingError,
    },
}

/// A set of real articles and their gold events.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `dev` or `blind`.
    pub set: String,
    /// The dyad the gold is written for.
    pub dyad: String,
    /// The articles.
    pub articles: Vec<GoldArticle>,
}

/// One article of a manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldArticle {
    /// Its id; the staged text is `<id>.txt`.
    pub id: String,
    /// The search that found it.
    pub query: String,
    /// Its address.
    pub url: String,
    /// The outlet.
    pub outlet: String,
    /// Its publication date.
    pub published_on: NaiveDate,
    /// Whether it reports any event of the dyad.
    pub relevant: bool,
    /// The digest of the staged text the gold was written from.
    #[serde(default)]
    pub text_sha256: Option<String>,
    /// Every event a careful analyst would log from it.
    pub events: Vec<GoldEvent>,
    /// What is hard about it.
    #[serde(default)]
    pub notes: Option<String>,
}

/// An event a careful analyst would log from an article.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldEvent {
    /// Who acted.
    pub actor: String,
    /// Toward whom.
    pub target: String,
    /// A joint act: actor and target match in either order.
    #[serde(default)]
    pub joint: bool,
    /// `action` or `statement`.
    pub kind: String,
    /// The action code (reported, not required to match).
    pub action: String,
    /// `negative`, `positive` or `zero`.
    pub sign: String,
    /// The pillar.
    pub pillar: String,
    /// The issue (reported, not required to match).
    #[serde(default)]
    pub issue: Option<String>,
    /// When it happened.
    pub occurred_on: NaiveDate,
    /// How many days a proposal's date may be off.
    pub tolerance_days: i64,
    /// Recalled as context, not the article's news.
    pub background: bool,
    /// The news the headline reports.
    #[serde(default)]
    pub main: bool,
    /// In our words.
    pub summary: String,
}

/// Reads a manifest.
pub fn load_manifest(path: &Path) -> Result<Manifest, EvaluationError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvaluationError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let deserializer = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| EvaluationError::Manifest {
        path: path.to_path_buf(),
        field: e.path().to_string(),
        problem: e.inner().to_string(),
    })
}

/// Reads an article's staged text, checking it is the one its gold was written from. `None`
/// when it is not staged.
pub fn staged_text(article: &GoldArticle, texts: &Path) -> Result<Option<String>, EvaluationError> {
    let path = texts.join(format!("{}.txt", article.id));
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(EvaluationError::Read { path, source }),
    };
    if let Some(expected) = &article.text_sha256 {
        let found = digest(&bytes);
        if !found.eq_ignore_ascii_case(expected) {
            return Err(EvaluationError::TextChanged {
                path,
                expected: expected.clone(),
                found,
            });
        }
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Stages an article's text: the first of `candidates` (a stored page's excerpt, the same with
/// its headline and a newline before it, …) whose sha256 is the manifest's is written to
/// `<texts>/<id>.txt`, through a temporary file so that a text is never half written. `None`
/// when no candidate matches (nothing is written), or when the manifest names no digest.
pub fn stage_text(
    article: &GoldArticle,
    texts: &Path,
    candidates: &[String],
) -> Result<Option<PathBuf>, EvaluationError> {
    let Some(expected) = &article.text_sha256 else {
        return Ok(None);
    };
    let Some(text) = candidates
        .iter()
        .find(|c| digest(c.as_bytes()).eq_ignore_ascii_case(expected))
    else {
        return Ok(None);
    };
    let path = texts.join(format!("{}.txt", article.id));
    let partial = texts.join(format!(".{}.txt.partial", article.id));
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(texts)?;
        std::fs::write(&partial, text)?;
        std::fs::rename(&partial, &path)
    };
    write().map_err(|source| EvaluationError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(Some(path))
}

/// The sha256 of a text, in lower-case hex, as manifests give it.
fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// What became of one proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It matches this gold event (its index in the article).
    Matched(usize),
    /// It matches a gold event another proposal already matched.
    Duplicate(usize),
    /// It matches no gold event.
    Wrong {
        /// A gold event it misses in one respect only, with that respect (`parties`,
        /// `pillar`, `sign`, `date`).
        near: Option<(usize, &'static str)>,
    },
}

/// One article, coded and scored.
#[derive(Debug, Clone)]
pub struct ArticleResult {
    /// The article's id.
    pub id: String,
    /// Whether it is relevant.
    pub relevant: bool,
    /// The proposals that would be appended, each with its verdict.
    pub proposals: Vec<(Proposal, Verdict)>,
    /// The gold events, each with whether a proposal found it.
    pub gold: Vec<(GoldEvent, bool)>,
}

/// The figures of a set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Articles coded (staged).
    pub articles: usize,
    /// Articles of the manifest whose text is not staged.
    pub unstaged: usize,
    /// Proposals that would be appended.
    pub proposals: usize,
    /// Proposals that match a gold event first.
    pub correct: usize,
    /// Proposals that repeat a matched gold event.
    pub duplicates: usize,
    /// Gold events.
    pub gold: usize,
    /// Gold events found.
    pub found: usize,
    /// Gold events that are the articles' news (not background).
    pub gold_news: usize,
    /// Of those, found.
    pub found_news: usize,
    /// Relevant articles.
    pub relevant: usize,
    /// Relevant articles whose main event was found.
    pub main_found: usize,
    /// Irrelevant articles.
    pub irrelevant: usize,
    /// Proposals on irrelevant articles.
    pub irrelevant_proposals: usize,
}

impl Figures {
    /// Matched proposals over proposals.
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.proposals)
    }
    /// Found gold events over gold events.
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.gold)
    }
    /// Found news events over news events.
    pub fn recall_news(&self) -> f64 {
        ratio(self.found_news, self.gold_news)
    }
    /// Relevant articles whose main event was found, over relevant articles.
    pub fn main_recall(&self) -> f64 {
        ratio(self.main_found, self.relevant)
    }

    /// Adds another set's figures to these.
    pub fn merge(&mut self, other: &Figures) {
        self.articles += other.articles;
        self.unstaged += other.unstaged;
        self.proposals += other.proposals;
        self.correct += other.correct;
        self.duplicates += other.duplicates;
        self.gold += other.gold;
        self.found += other.found;
        self.gold_news += other.gold_news;
        self.found_news += other.found_news;
        self.relevant += other.relevant;
        self.main_found += other.main_found;
        self.irrelevant += other.irrelevant;
        self.irrelevant_proposals += other.irrelevant_proposals;
    }

    fn add(&mut self, result: &ArticleResult) {
        self.articles += 1;
        self.proposals += result.proposals.len();
        for (_, verdict) in &result.proposals {
            match verdict {
                Verdict::Matched(_) => self.correct += 1,
                Verdict::Duplicate(_) => self.duplicates += 1,
                Verdict::Wrong { .. } => {}
            }
        }
        for (event, found) in &result.gold {
            self.gold += 1;
            self.found += usize::from(*found);
            if !event.background {
                self.gold_news += 1;
                self.found_news += usize::from(*found);
            }
        }
        if result.relevant {
            self.relevant += 1;
            self.main_found += usize::from(result.gold.iter().any(|(e, found)| e.main && *found));
        } else {
            self.irrelevant += 1;
            self.irrelevant_proposals += result.proposals.len();
        }
    }

    /// The one line `coder_eval` ends with.
    pub fn line(&self) -> String {
        format!(
            "precision={:.3} recall={:.3} recall_news={:.3} main={:.3} irrelevant_events={} \
             (articles={} proposals={} correct={} duplicates={} gold={} found={})",
            self.precision(),
            self.recall(),
            self.recall_news(),
            self.main_recall(),
            self.irrelevant_proposals,
            self.articles,
            self.proposals,
            self.correct,
            self.duplicates,
            self.gold,
            self.found,
        )
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// What the coder is measured with.
pub struct Evaluator<'a> {
    /// The dictionaries.
    pub dictionary: &'a Dictionary,
    /// The framework (its dyad, and the pillar of proposals that give none).
    pub framework: &'a Framework,
    /// The day proposals are validated on, as `append` would.
    pub today: NaiveDate,
}

impl Evaluator<'_> {
    /// Codes every staged article of the manifest and scores it.
    pub fn evaluate(
        &self,
        manifest: &Manifest,
        texts: &Path,
    ) -> Result<(Figures, Vec<ArticleResult>), EvaluationError> {
        let mut figures = Figures::default();
        let mut results = Vec::new();
        for article in &manifest.articles {
            let Some(text) = staged_text(article, texts)? else {
                figures.unstaged += 1;
                continue;
            };
            let result = self.score_article(article, &text)?;
            figures.add(&result);
            results.push(result);
        }
        Ok((figures, results))
    }

    /// Codes one article as `dyad ingest --commit` would (only proposals that validate) and
    /// matches its proposals to its gold events.
    pub fn score_article(
        &self,
        article: &GoldArticle,
        text: &str,
    ) -> Result<ArticleResult, EvaluationError> {
        let options = CodingOptions {
            url: Some(article.url.clone()),
            outlet: Some(article.outlet.clone()),
            published: Some(article.published_on),
        };
        let validator = Validator::new(Taxonomy::builtin(), self.framework, self.today);
        let proposals: Vec<Proposal> = code(text, self.dictionary, self.framework, &options)
            .map_err(|source| EvaluationError::Coding {
                id: article.id.clone(),
                source,
            })?
            .into_iter()
            .filter(|p| validator.validate(p.event.clone()).is_ok())
            .collect();
        Ok(self.match_proposals(article, proposals))
    }

    fn match_proposals(&self, article: &GoldArticle, proposals: Vec<Proposal>) -> ArticleResult {
        let mut found = vec![false; article.events.len()];
        let mut judged = Vec::with_capacity(proposals.len());
        for proposal in proposals {
            let candidates: Vec<usize> = (0..article.events.len())
                .filter(|&i| self.agrees(&proposal, &article.events[i]))
                .collect();
            let verdict = match candidates.iter().find(|&&i| !found[i]) {
                Some(&i) => {
                    found[i] = true;
                    Verdict::Matched(i)
                }
                None => match candidates.first() {
                    Some(&i) => Verdict::Duplicate(i),
                    None => Verdict::Wrong {
                        near: self.near_miss(&proposal, &article.events, &found),
                    },
                },
            };
            judged.push((proposal, verdict));
        }
        ArticleResult {
            id: article.id.clone(),
            relevant: article.relevant,
            proposals: judged,
            gold: article.events.iter().cloned().zip(found).collect(),
        }
    }

    /// An unfound gold event the proposal misses in one respect only, and that respect.
    fn near_miss(
        &self,
        proposal: &Proposal,
        gold: &[GoldEvent],
        found: &[bool],
    ) -> Option<(usize, &'static str)> {
        (0..gold.len()).filter(|&i| !found[i]).find_map(|i| {
            match self.disagreements(proposal, &gold[i]).as_slice() {
                [only] => Some((i, *only)),
                _ => None,
            }
        })
    }

    fn agrees(&self, proposal: &Proposal, gold: &GoldEvent) -> bool {
        self.disagreements(proposal, gold).is_empty()
    }

    /// Where a proposal and a gold event differ: actor and target (either order for a joint
    /// act), pillar, sign, and date within tolerance.
    fn disagreements(&self, proposal: &Proposal, gold: &GoldEvent) -> Vec<&'static str> {
        let event = &proposal.event;
        let same_parties = (event.actor == gold.actor && event.target == gold.target)
            || (gold.joint && event.actor == gold.target && event.target == gold.actor);
        let pillar = event.pillar.clone().unwrap_or_else(|| {
            self.framework
                .derive_pillar(&event.action, event.issue.as_deref())
                .to_string()
        });
        let on_time = NaiveDate::parse_from_str(&event.occurred_on, "%Y-%m-%d")
            .is_ok_and(|d| (d - gold.occurred_on).num_days().abs() <= gold.tolerance_days.max(0));
        [
            (!same_parties, "parties"),
            (pillar != gold.pillar, "pillar"),
            (sign_of(proposal) != gold.sign, "sign"),
            (!on_time, "date"),
        ]
        .into_iter()
        .filter_map(|(differs, respect)| differs.then_some(respect))
        .collect()
    }
}

/// The sign of a proposal's intensity as it bears on the dyad: `negative`, `positive`, `zero`.
pub fn sign_of(proposal: &Proposal) -> &'static str {
    let intensity = proposal
        .event
        .intensity
        .or_else(|| {
            Taxonomy::builtin()
                .action(&proposal.event.action)
                .map(|a| a.intensity)
        })
        .unwrap_or(0.0);
    if intensity < 0.0 {
        "negative"
    } else if intensity > 0.0 {
        "positive"
    } else {
        "zero"
    }
}

/// A readable account of one article: each proposal with its verdict, each gold event missed.
pub fn describe(result: &ArticleResult) -> String {
    let mut out = format!(
        "== {} ({})\n",
        result.id,
        if result.relevant {
            "relevant"
        } else {
            "irrelevant"
        }
    );
    for (proposal, verdict) in &result.proposals {
        let event = &proposal.event;
        let mark = match verdict {
            Verdict::Matched(i) => format!("ok   g{i}"),
            Verdict::Duplicate(i) => format!("dup  g{i}"),
            Verdict::Wrong { .. } => "WRONG".to_string(),
        };
        let near = match verdict {
            Verdict::Wrong {
                near: Some((i, respect)),
            } => format!(" (g{i} but for its {respect})"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {mark:7} {} {}→{} {} {}{near} [{:.2} {}] | {}",
            event.occurred_on,
            event.actor,
            event.target,
            event.action,
            event.issue.as_deref().unwrap_or("-"),
            event.confidence.unwrap_or_default(),
            proposal.note,
            event
                .source
                .quote
                .as_deref()
                .unwrap_or_default()
                .chars()
                .take(140)
                .collect::<String>()
        );
    }
    for (i, (gold, found)) in result.gold.iter().enumerate() {
        if !found {
            let _ = writeln!(
                out,
                "  MISSED  g{i} {} {}→{} {} {} {}{}{} | {}",
                gold.occurred_on,
                gold.actor,
                gold.target,
                gold.action,
                gold.pillar,
                gold.sign,
                if gold.background { " background" } else { "" },
                if gold.main { " MAIN" } else { "" },
                gold.summary
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{EventInput, EventKind, SourceInput};

    fn gold(actor: &str, target: &str, joint: bool, on: &str, tolerance_days: i64) -> GoldEvent {
        GoldEvent {
            actor: actor.into(),
            target: target.into(),
            joint,
            kind: "action".into(),
            action: "expel_diplomats".into(),
            sign: "negative".into(),
            pillar: "pushback".into(),
            issue: Some("diplomats".into()),
            occurred_on: on.parse().expect("date"),
            tolerance_days,
            background: false,
            main: true,
            summary: "test".into(),
        }
    }

    fn proposal(actor: &str, target: &str, action: &str, on: &str) -> Proposal {
        Proposal {
            event: EventInput {
                id: None,
                dyad: "USA-RUS".into(),
                kind: EventKind::Action,
                occurred_on: on.into(),
                actor: actor.into(),
                target: target.into(),
                action: action.into(),
                intensity: None,
                confidence: None,
                issue: None,
                pillar: None,
                summary: "test".into(),
                speaker: None,
                quote: None,
                source: SourceInput {
                    outlet: "Test".into(),
                    url: None,
                    published_on: None,
                    attribution: None,
                    quote: None,
                },
            },
            note: String::new(),
            explanation: String::new(),
        }
    }

    fn article(events: Vec<GoldEvent>) -> GoldArticle {
        GoldArticle {
            id: "a".into(),
            query: String::new(),
            url: "https://example.org".into(),
            outlet: "Test".into(),
            published_on: "2018-03-27".parse().expect("date"),
            relevant: !events.is_empty(),
            text_sha256: None,
            events,
            notes: None,
        }
    }

    fn verdicts(article: &GoldArticle, proposals: Vec<Proposal>) -> Vec<Verdict> {
        let framework = Framework::builtin();
        let dictionary = Dictionary::builtin();
        let evaluator = Evaluator {
            dictionary: &dictionary,
            framework: &framework,
            today: "2026-01-01".parse().expect("date"),
        };
        let result = evaluator.match_proposals(article, proposals);
        result.proposals.into_iter().map(|(_, v)| v).collect()
    }

    #[test]
    fn a_second_proposal_of_one_gold_event_is_a_duplicate() {
        let article = article(vec![gold("USA", "RUS", false, "2018-03-26", 1)]);
        let two = vec![
            proposal("USA", "RUS", "expel_diplomats", "2018-03-26"),
            proposal("USA", "RUS", "expel_diplomats", "2018-03-27"),
        ];
        assert_eq!(
            verdicts(&article, two),
            vec![Verdict::Matched(0), Verdict::Duplicate(0)]
        );
    }

    #[test]
    fn actor_and_target_swapped_match_only_a_joint_event() {
        let one_way = article(vec![gold("USA", "RUS", false, "2018-03-26", 1)]);
        let swapped = || vec![proposal("RUS", "USA", "expel_diplomats", "2018-03-26")];
        assert_eq!(
            verdicts(&one_way, swapped()),
            vec![wrong_but_for(0, "parties")]
        );
        let joint = article(vec![gold("USA", "RUS", true, "2018-03-26", 1)]);
        assert_eq!(verdicts(&joint, swapped()), vec![Verdict::Matched(0)]);
    }

    #[test]
    fn a_date_outside_the_tolerance_or_another_sign_or_pillar_is_wrong() {
        let article = article(vec![gold("USA", "RUS", false, "2018-03-26", 1)]);
        let late = vec![proposal("USA", "RUS", "expel_diplomats", "2018-03-28")];
        assert_eq!(verdicts(&article, late), vec![wrong_but_for(0, "date")]);
        let mut yielding = proposal("USA", "RUS", "yield", "2018-03-26");
        yielding.event.issue = Some("sanctions".into());
        let friendly = vec![yielding];
        assert_eq!(verdicts(&article, friendly), vec![wrong_but_for(0, "sign")]);
        // Same sign, other pillar: a summit is stability.
        let other_pillar = vec![proposal("USA", "RUS", "threaten", "2018-03-26")];
        assert_eq!(
            verdicts(&article, other_pillar),
            vec![wrong_but_for(0, "pillar")]
        );
        let far_off = vec![proposal("RUS", "USA", "yield", "2018-03-28")];
        assert_eq!(
            verdicts(&article, far_off),
            vec![Verdict::Wrong { near: None }]
        );
    }

    fn wrong_but_for(gold: usize, respect: &'static str) -> Verdict {
        Verdict::Wrong {
            near: Some((gold, respect)),
        }
    }

    #[test]
    fn figures_count_the_main_event_background_and_irrelevant_proposals() {
        let mut background = gold("USA", "RUS", false, "2014-03-20", 1);
        background.background = true;
        background.main = false;
        let relevant = article(vec![gold("USA", "RUS", false, "2018-03-26", 1), background]);
        let framework = Framework::builtin();
        let dictionary = Dictionary::builtin();
        let evaluator = Evaluator {
            dictionary: &dictionary,
            framework: &framework,
            today: "2026-01-01".parse().expect("date"),
        };
        let mut figures = Figures::default();
        figures.add(&evaluator.match_proposals(
            &relevant,
            vec![proposal("USA", "RUS", "expel_diplomats", "2018-03-26")],
        ));
        figures.add(&evaluator.match_proposals(
            &article(vec![]),
            vec![proposal("RUS", "USA", "disapprove", "2018-03-26")],
        ));
        assert_eq!((figures.gold, figures.found), (2, 1));
        assert_eq!((figures.gold_news, figures.found_news), (1, 1));
        assert_eq!((figures.relevant, figures.main_found), (1, 1));
        assert_eq!(figures.irrelevant_proposals, 1);
        assert!((figures.precision() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn staging_writes_only_the_variant_the_manifest_names() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let text = "Headline\nThe body of the page.";
        let article = GoldArticle {
            text_sha256: Some(digest(text.as_bytes())),
            ..article(Vec::new())
        };
        let excerpt = "The body of the page.".to_string();
        let wrong = vec![excerpt.clone(), format!("Other headline\n{excerpt}")];
        assert_eq!(
            stage_text(&article, dir.path(), &wrong).expect("stages"),
            None
        );
        assert_eq!(staged_text(&article, dir.path()).expect("reads"), None);
        let right = vec![excerpt.clone(), format!("Headline\n{excerpt}")];
        let path = stage_text(&article, dir.path(), &right)
            .expect("stages")
            .expect("a variant matches");
        assert_eq!(path, dir.path().join("a.txt"));
        assert_eq!(
            staged_text(&article, dir.path()).expect("reads").as_deref(),
            Some(text)
        );
        let leftovers = std::fs::read_dir(dir.path()).expect("lists").count();
        assert_eq!(leftovers, 1, "no partial file is left behind");
    }
}
