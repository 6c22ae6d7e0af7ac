//! The inbox's tables (SQLite migration 0005, PostgreSQL migration 0003): the coder's proposals
//! waiting for review, beside the log, on either store. The store keeps them as text, as it keeps
//! events: what a proposal says is the inbox module's business ([`crate::inbox`]). Unlike the log
//! these rows are updated and deleted.

use super::postgres::{PostgresStore, to_i64, to_u64};
use super::sqlite::SqliteStore;
use super::{StoreError, format_recorded_at};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::collections::{HashMap, HashSet};

/// An article whose proposals are filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArticle {
    /// SHA-256 of its text, lower-case hex: the same article is filed once.
    pub digest: String,
    /// Its title (its first line).
    pub title: String,
    /// Its URL.
    pub url: Option<String>,
    /// Its outlet.
    pub outlet: Option<String>,
    /// Who ingested it.
    pub ingested_by: String,
}

/// An article as the inbox holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxArticle {
    /// Its number in the inbox.
    pub id: u64,
    /// Its title.
    pub title: String,
    /// Its URL.
    pub url: Option<String>,
    /// Its outlet.
    pub outlet: Option<String>,
    /// When it was first ingested.
    pub ingested_at: String,
    /// Who ingested it.
    pub ingested_by: String,
}

/// A proposal to file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProposal {
    /// The proposed event's id (hyphenated), as it will be in the log.
    pub id: String,
    /// The proposal in the input format, JSON.
    pub event: String,
    /// The coder's note.
    pub note: String,
    /// The clause, roles and entries behind it.
    pub explanation: String,
}

/// A proposal as the inbox holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProposal {
    /// The proposed event's id.
    pub id: String,
    /// Its article's number.
    pub article: u64,
    /// `pending` or `rejected`.
    pub status: String,
    /// The proposal in the input format, JSON.
    pub event: String,
    /// The coder's note.
    pub note: String,
    /// The clause, roles and entries behind it.
    pub explanation: String,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// When it was rejected.
    pub decided_at: Option<String>,
    /// Who rejected it.
    pub decided_by: Option<String>,
}

/// What filing a proposal did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// Now pending.
    Added,
    /// Already pending (an earlier ingest of the article): left as it is.
    AlreadyPending,
    /// Rejected before: not proposed again.
    RejectedBefore,
    /// Already in the log.
    AlreadyLogged,
}

/// The statuses a proposal has in the inbox.
pub const PENDING: &str = "pending";
/// A proposal an analyst rejected.
pub const REJECTED: &str = "rejected";

const PROPOSAL_COLUMNS: &str =
    "id, article, status, event, note, explanation, reason, decided_at, decided_by";

fn stored_proposal(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredProposal> {
    Ok(StoredProposal {
        id: row.get(0)?,
        article: row.get(1)?,
        status: row.get(2)?,
        event: row.get(3)?,
        note: row.get(4)?,
        explanation: row.get(5)?,
        reason: row.get(6)?,
        decided_at: row.get(7)?,
        decided_by: row.get(8)?,
    })
}

/// What the inbox can do.
pub trait InboxStore {
    /// Files an article's proposals in one transaction: new ones become pending; one already
    /// pending, rejected before, or in the log is left alone. Returns the article's number and
    /// what became of each proposal.
    fn file_proposals(
        &mut self,
        article: &NewArticle,
        proposals: &[NewProposal],
    ) -> Result<(u64, Vec<Filed>), StoreError>;

    /// The proposals with `status`, of one article or all, in filing order. Pending proposals
    /// whose event has since been recorded in the log (appended by other means) are left out.
    fn proposals(
        &self,
        status: &str,
        article: Option<u64>,
    ) -> Result<Vec<StoredProposal>, StoreError>;

    /// The proposal with this id, whatever its status.
    fn proposal(&self, id: &str) -> Result<Option<StoredProposal>, StoreError>;

    /// At most `limit` proposals whose id starts with `prefix`, in id order.
    fn proposals_with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<StoredProposal>, StoreError>;

    /// The article with this number.
    fn inbox_article(&self, id: u64) -> Result<Option<InboxArticle>, StoreError>;

    /// Marks proposals rejected, with the reason, now, by `by`.
    fn reject_proposals(
        &mut self,
        ids: &[String],
        reason: &str,
        by: &str,
    ) -> Result<(), StoreError>;

    /// Removes proposals (once their events are in the log).
    fn remove_proposals(&mut self, ids: &[String]) -> Result<(), StoreError>;
}

impl InboxStore for SqliteStore {
    fn file_proposals(
        &mut self,
        article: &NewArticle,
        proposals: &[NewProposal],
    ) -> Result<(u64, Vec<Filed>), StoreError> {
        let now = format_recorded_at(self.clock().now());
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO inbox_articles (digest, title, url, outlet, ingested_at, ingested_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (digest) DO NOTHING",
            params![
                article.digest,
                article.title,
                article.url,
                article.outlet,
                now,
                article.ingested_by
            ],
        )?;
        let article_id: u64 = tx.query_row(
            "SELECT id FROM inbox_articles WHERE digest = ?1",
            [&article.digest],
            |row| row.get(0),
        )?;
        let mut outcomes = Vec::with_capacity(proposals.len());
        {
            let mut logged = tx.prepare_cached("SELECT 1 FROM events WHERE id = ?1")?;
            let mut existing =
                tx.prepare_cached("SELECT status FROM inbox_proposals WHERE id = ?1")?;
            let mut next_ordinal: u64 = tx.query_row(
                "SELECT COALESCE(MAX(ordinal), 0) + 1 FROM inbox_proposals WHERE article = ?1",
                [article_id],
                |row| row.get(0),
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO inbox_proposals (id, article, ordinal, status, event, note, explanation)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6)",
            )?;
            for proposal in proposals {
                if logged.exists([&proposal.id])? {
                    outcomes.push(Filed::AlreadyLogged);
                    continue;
                }
                let status: Option<String> = existing
                    .query_row([&proposal.id], |row| row.get(0))
                    .optional()?;
                outcomes.push(match status.as_deref() {
                    Some(REJECTED) => Filed::RejectedBefore,
                    Some(_) => Filed::AlreadyPending,
                    None => {
                        insert.execute(params![
                            proposal.id,
                            article_id,
                            next_ordinal,
                            proposal.event,
                            proposal.note,
                            proposal.explanation
                        ])?;
                        next_ordinal += 1;
                        Filed::Added
                    }
                });
            }
        }
        tx.commit()?;
        Ok((article_id, outcomes))
    }

    fn proposals(
        &self,
        status: &str,
        article: Option<u64>,
    ) -> Result<Vec<StoredProposal>, StoreError> {
        let sql = format!(
            "SELECT {PROPOSAL_COLUMNS} FROM inbox_proposals
             WHERE status = ?1 AND (?2 IS NULL OR article = ?2)
               AND NOT (status = 'pending' AND id IN (SELECT id FROM events))
             ORDER BY article, ordinal"
        );
        Ok(self
            .connection()
            .prepare_cached(&sql)?
            .query_map(params![status, article], stored_proposal)?
            .collect::<Result<_, _>>()?)
    }

    fn proposal(&self, id: &str) -> Result<Option<StoredProposal>, StoreError> {
        let sql = format!("SELECT {PROPOSAL_COLUMNS} FROM inbox_proposals WHERE id = ?1");
        Ok(self
            .connection()
            .prepare_cached(&sql)?
            .query_row([id], stored_proposal)
            .optional()?)
    }

    fn proposals_with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<StoredProposal>, StoreError> {
        // A range, as for events: `~` sorts after every character an id holds.
        let sql = format!(
            "SELECT {PROPOSAL_COLUMNS} FROM inbox_proposals
             WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT ?3"
        );
        Ok(self
            .connection()
            .prepare_cached(&sql)?
            .query_map(
                params![prefix, format!("{prefix}~"), limit as u64],
                stored_proposal,
            )?
            .collect::<Result<_, _>>()?)
    }

    fn inbox_article(&self, id: u64) -> Result<Option<InboxArticle>, StoreError> {
        Ok(self
            .connection()
            .prepare_cached(
                "SELECT id, title, url, outlet, ingested_at, ingested_by
                 FROM inbox_articles WHERE id = ?1",
            )?
            .query_row([id], |row| {
                Ok(InboxArticle {
                    id: row.get(0)?,
                    title: row.get(1)?,
                    url: row.get(2)?,
                    outlet: row.get(3)?,
                    ingested_at: row.get(4)?,
                    ingested_by: row.get(5)?,
                })
            })
            .optional()?)
    }

    fn reject_proposals(
        &mut self,
        ids: &[String],
        reason: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        let now = format_recorded_at(self.clock().now());
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut update = tx.prepare_cached(
                "UPDATE inbox_proposals
                 SET status = 'rejected', reason = ?2, decided_at = ?3, decided_by = ?4
                 WHERE id = ?1",
            )?;
            for id in ids {
                update.execute(params![id, reason, now, by])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn remove_proposals(&mut self, ids: &[String]) -> Result<(), StoreError> {
        let tx = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut delete = tx.prepare_cached("DELETE FROM inbox_proposals WHERE id = ?1")?;
            for id in ids {
                delete.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

fn pg_proposal(row: &postgres::Row) -> Result<StoredProposal, StoreError> {
    let article: i64 = row.try_get(1)?;
    Ok(StoredProposal {
        id: row.try_get(0)?,
        article: to_u64(article, 0, "a proposal's article")?,
        status: row.try_get(2)?,
        event: row.try_get(3)?,
        note: row.try_get(4)?,
        explanation: row.try_get(5)?,
        reason: row.try_get(6)?,
        decided_at: row.try_get(7)?,
        decided_by: row.try_get(8)?,
    })
}

/// The same tables and answers as on SQLite. Filings of one article by several processes at once
/// take turns on the article's row (`FOR UPDATE`), so ordinals stay in order and a proposal is
/// filed once.
impl InboxStore for PostgresStore {
    fn file_proposals(
        &mut self,
        article: &NewArticle,
        proposals: &[NewProposal],
    ) -> Result<(u64, Vec<Filed>), StoreError> {
        let now = format_recorded_at(self.clock().now());
        let mut client = self.client_for_write();
        let mut tx = client.transaction()?;
        tx.execute(
            "INSERT INTO inbox_articles (digest, title, url, outlet, ingested_at, ingested_by)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (digest) DO NOTHING",
            &[
                &article.digest,
                &article.title,
                &article.url,
                &article.outlet,
                &now,
                &article.ingested_by,
            ],
        )?;
        let article_id: i64 = tx
            .query_one(
                "SELECT id FROM inbox_articles WHERE digest = $1 FOR UPDATE",
                &[&article.digest],
            )?
            .try_get(0)?;
        let ids: Vec<&str> = proposals.iter().map(|p| p.id.as_str()).collect();
        let logged: HashSet<String> = tx
            .query("SELECT id FROM events WHERE id = ANY($1)", &[&ids])?
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut existing: HashMap<String, String> = tx
            .query(
                "SELECT id, status FROM inbox_proposals WHERE id = ANY($1)",
                &[&ids],
            )?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect::<Result<_, postgres::Error>>()?;
        let mut next_ordinal: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(ordinal), 0) + 1 FROM inbox_proposals WHERE article = $1",
                &[&article_id],
            )?
            .try_get(0)?;
        let insert = tx.prepare(
            "INSERT INTO inbox_proposals (id, article, ordinal, status, event, note, explanation)
             VALUES ($1, $2, $3, 'pending', $4, $5, $6)",
        )?;
        let mut outcomes = Vec::with_capacity(proposals.len());
        for proposal in proposals {
            if logged.contains(&proposal.id) {
                outcomes.push(Filed::AlreadyLogged);
                continue;
            }
            outcomes.push(match existing.get(&proposal.id).map(String::as_str) {
                Some(REJECTED) => Filed::RejectedBefore,
                Some(_) => Filed::AlreadyPending,
                None => {
                    tx.execute(
                        &insert,
                        &[
                            &proposal.id,
                            &article_id,
                            &next_ordinal,
                            &proposal.event,
                            &proposal.note,
                            &proposal.explanation,
                        ],
                    )?;
                    next_ordinal += 1;
                    // The same id twice in one filing is filed once, as on SQLite.
                    existing.insert(proposal.id.clone(), PENDING.to_string());
                    Filed::Added
                }
            });
        }
        tx.commit()?;
        Ok((to_u64(article_id, 0, "an article's number")?, outcomes))
    }

    fn proposals(
        &self,
        status: &str,
        article: Option<u64>,
    ) -> Result<Vec<StoredProposal>, StoreError> {
        let sql = format!(
            "SELECT {PROPOSAL_COLUMNS} FROM inbox_proposals
             WHERE status = $1 AND ($2::BIGINT IS NULL OR article = $2)
               AND NOT (status = 'pending' AND id IN (SELECT id FROM events))
             ORDER BY article, ordinal"
        );
        let article = article.map(to_i64).transpose()?;
        self.client()
            .query(&sql, &[&status, &article])?
            .iter()
            .map(pg_proposal)
            .collect()
    }

    fn proposal(&self, id: &str) -> Result<Option<StoredProposal>, StoreError> {
        let sql = format!("SELECT {PROPOSAL_COLUMNS} FROM inbox_proposals WHERE id = $1");
        self.client()
            .query_opt(&sql, &[&id])?
            .as_ref()
            .map(pg_proposal)
            .transpose()
    }

    fn proposals_with_id_prefix(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<StoredProposal>, StoreError> {
        // A range of the primary key, as for events (byte order: `~` sorts after every
        // character an id holds).
        let sql = format!(
            "SELECT {PROPOSAL_COLUMNS} FROM inbox_proposals
             WHERE id >= $1 AND id < $2 ORDER BY id LIMIT $3"
        );
        let upper = format!("{prefix}~");
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.client()
            .query(&sql, &[&prefix, &upper, &limit])?
            .iter()
            .map(pg_proposal)
            .collect()
    }

    fn inbox_article(&self, id: u64) -> Result<Option<InboxArticle>, StoreError> {
        let row = self.client().query_opt(
            "SELECT id, title, url, outlet, ingested_at, ingested_by
             FROM inbox_articles WHERE id = $1",
            &[&to_i64(id)?],
        )?;
        row.map(|row| {
            Ok(InboxArticle {
                id: to_u64(row.try_get(0)?, 0, "an article's number")?,
                title: row.try_get(1)?,
                url: row.try_get(2)?,
                outlet: row.try_get(3)?,
                ingested_at: row.try_get(4)?,
                ingested_by: row.try_get(5)?,
            })
        })
        .transpose()
    }

    fn reject_proposals(
        &mut self,
        ids: &[String],
        reason: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        let now = format_recorded_at(self.clock().now());
        self.client().execute(
            "UPDATE inbox_proposals
             SET status = 'rejected', reason = $2, decided_at = $3, decided_by = $4
             WHERE id = ANY($1)",
            &[&ids, &reason, &now, &by],
        )?;
        Ok(())
    }

    fn remove_proposals(&mut self, ids: &[String]) -> Result<(), StoreError> {
        self.client()
            .execute("DELETE FROM inbox_proposals WHERE id = ANY($1)", &[&ids])?;
        Ok(())
    }
}
