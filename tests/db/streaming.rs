//! `QuerySet::stream`: the same rows as `all()`, one at a time, on the
//! pool, a held connection and a transaction; `select_related` decoded as
//! in `all()`; `prefetch_related` loaded chunk by chunk, the children of
//! every parent right across chunk borders.

use futures_util::{StreamExt, TryStreamExt};
use strata::prelude::*;
use strata::{Error, Executor};
use strata_tests::each_db;
use strata_tests::streaming::{library, volumes_of, Library, Shelf, Volume, SHELVES, VOLUMES};

fn ids<M: Model>(rows: &[M]) -> Vec<i64>
where
    M::Key: Into<i64>,
{
    rows.iter().map(|m| m.pk().into()).collect()
}

async fn streamed<M: Model>(qs: &QuerySet<M>, ex: impl Executor) -> Vec<M> {
    qs.stream(ex).try_collect().await.expect("stream")
}

/// The querysets compared, with the same answer computed in Rust.
fn shapes(lib: &Library) -> Vec<(QuerySet<Volume>, Vec<i64>)> {
    let mut by_rank_desc = lib.volumes.clone();
    by_rank_desc.sort_by_key(|v| (std::cmp::Reverse(v.rank), v.id));
    let mut by_title = lib.volumes.clone();
    by_title.sort_by(|a, b| a.title.cmp(&b.title));
    let ranked: Vec<i64> = lib
        .volumes
        .iter()
        .filter(|v| v.rank >= 2)
        .map(|v| v.id)
        .collect();
    vec![
        (
            Volume::objects().order_by(Volume::id().asc()),
            ids(&lib.volumes),
        ),
        (
            Volume::objects()
                .filter(Volume::rank().gte(2))
                .order_by(Volume::id().asc()),
            ranked,
        ),
        (
            Volume::objects().order_by([Volume::rank().desc(), Volume::id().asc()]),
            ids(&by_rank_desc),
        ),
        (
            Volume::objects()
                .order_by(Volume::title().asc())
                .offset(5)
                .limit(10),
            ids(&by_title[5..15]),
        ),
        (Volume::objects().filter(Volume::rank().gt(100)), Vec::new()),
    ]
}

#[tokio::test]
async fn a_stream_returns_the_same_rows_as_all_on_every_executor() {
    each_db("stream_same_as_all", |db| async move {
        let lib = library(&db).await;
        for (qs, expected) in shapes(&lib) {
            let all = qs.all(&db).await.unwrap();
            assert_eq!(ids(&all), expected, "{qs:?}");
            assert_eq!(streamed(&qs, &db).await, all, "on the pool: {qs:?}");
            let mut conn = db.acquire().await.unwrap();
            assert_eq!(streamed(&qs, &mut conn).await, all, "on a connection");
            drop(conn); // An in-memory SQLite pool has one connection.
            let mut tx = db.begin().await.unwrap();
            assert_eq!(streamed(&qs, &mut tx).await, all, "in a transaction");
            tx.commit().await.unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn a_stream_is_one_query_read_row_by_row() {
    each_db("stream_one_query", |db| async move {
        library(&db).await;
        let before = db.query_count();
        let qs = Volume::objects().order_by(Volume::id().asc());
        let mut stream = qs.stream(&db);
        assert_eq!(db.query_count(), before, "nothing runs before a poll");
        let first = stream.next().await.unwrap().unwrap();
        let rest: Vec<Volume> = stream.try_collect().await.unwrap();
        assert_eq!(rest.len(), VOLUMES - 1);
        assert!(rest.iter().all(|v| v.id > first.id));
        assert_eq!(db.query_count() - before, 1);
    })
    .await;
}

#[tokio::test]
async fn a_stream_in_a_transaction_sees_its_rows_and_leaves_the_session_usable() {
    each_db("stream_in_tx", |db| async move {
        let lib = library(&db).await;
        let mut tx = db.begin().await.unwrap();
        let mut extra = Volume {
            id: 0,
            shelf: ForeignKey::from(&lib.shelves[0]),
            title: "uncommitted".into(),
            rank: 9,
            note: None,
        };
        extra.insert(&mut tx).await.unwrap();
        let qs = Volume::objects().order_by(Volume::rank().desc());
        {
            // Dropped half-way: the session must still run what follows.
            let mut half = qs.stream(&mut tx);
            let top = half.next().await.unwrap().unwrap();
            assert_eq!(top.id, extra.id);
            let second = half.next().await.unwrap().unwrap();
            assert_eq!(second.rank, 4);
        }
        assert_eq!(
            Volume::objects().count(&mut tx).await.unwrap(),
            VOLUMES as u64 + 1
        );
        let rows = streamed(&qs, &mut tx).await;
        assert_eq!(rows.len(), VOLUMES + 1);
        tx.rollback().await.unwrap();
        let rows = streamed(&qs, &db).await;
        assert_eq!(rows.len(), VOLUMES);
        assert!(rows.iter().all(|v| v.id != extra.id));
    })
    .await;
}

#[tokio::test]
async fn a_stream_decodes_select_related_rows() {
    each_db("stream_select_related", |db| async move {
        let lib = library(&db).await;
        let qs = Volume::objects()
            .select_related(Volume::shelf())
            .order_by(Volume::id().desc());
        let rows = streamed(&qs, &db).await;
        assert_eq!(rows.len(), VOLUMES);
        for v in &rows {
            let shelf = v.shelf.get().expect("selected");
            let expected = lib.shelves.iter().find(|s| s.id == *v.shelf.key()).unwrap();
            assert_eq!(shelf.name, expected.name);
        }
        let all = qs.all(&db).await.unwrap();
        assert_eq!(rows, all);
    })
    .await;
}

#[tokio::test]
async fn prefetch_on_a_stream_loads_each_chunk_with_its_children() {
    each_db("stream_prefetch_chunks", |db| async move {
        let lib = library(&db).await;
        let qs = Shelf::objects()
            .order_by(Shelf::name().desc())
            .prefetch_related(Shelf::volumes());
        let all = qs.all(&db).await.unwrap();
        for chunk in [1, 2, 3, 6, 7, 100] {
            let before = db.query_count();
            let rows: Vec<Shelf> = qs
                .stream(&db)
                .chunk_size(chunk)
                .try_collect()
                .await
                .unwrap();
            // One query for a chunk's shelves and one for its volumes; a
            // last, empty chunk runs when the shelves fill the chunks.
            let partial = SHELVES % chunk;
            let queries = (SHELVES / chunk) * 2 + 1 + usize::from(partial > 0);
            assert_eq!(db.query_count() - before, queries as u64, "chunk {chunk}");
            assert_eq!(rows.len(), SHELVES);
            for shelf in &rows {
                let mut got = ids(shelf.volumes.loaded().unwrap());
                got.sort();
                assert_eq!(got, volumes_of(&lib.volumes, shelf.id), "chunk {chunk}");
            }
            // Same order, same children as all().
            assert_eq!(rows, all, "chunk {chunk}");
        }
        // The empty shelf has its (empty) volumes loaded too.
        assert!(all.iter().any(|s| s.volumes.loaded().unwrap().is_empty()));
    })
    .await;
}

#[tokio::test]
async fn prefetch_chunks_follow_a_descending_ordering_with_ties_and_a_slice() {
    each_db("stream_prefetch_ties", |db| async move {
        let lib = library(&db).await;
        let mut expected = lib.volumes.clone();
        expected.sort_by_key(|v| (std::cmp::Reverse(v.rank), v.id));
        let qs = Volume::objects()
            .order_by(Volume::rank().desc())
            .prefetch_related(Volume::shelf());
        for chunk in [1, 3, 8, 40] {
            let mut tx = db.begin().await.unwrap();
            let rows: Vec<Volume> = qs
                .stream(&mut tx)
                .chunk_size(chunk)
                .try_collect()
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(ids(&rows), ids(&expected), "chunk {chunk}");
            for v in &rows {
                assert_eq!(v.shelf.get().unwrap().id, *v.shelf.key());
            }
            let sliced: Vec<Volume> = qs
                .clone()
                .offset(3)
                .limit(11)
                .stream(&db)
                .chunk_size(chunk)
                .try_collect()
                .await
                .unwrap();
            assert_eq!(ids(&sliced), ids(&expected[3..14]), "sliced, chunk {chunk}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_stream_reports_refused_queries_as_its_first_item() {
    each_db("stream_errors", |db| async move {
        library(&db).await;
        // Keyset chunks cannot follow a nullable ordering.
        let mut nullable = Volume::objects()
            .order_by(Volume::note().asc())
            .prefetch_related(Volume::shelf())
            .stream(&db);
        let err = nullable.next().await.unwrap().unwrap_err();
        assert!(
            matches!(&err, Error::InvalidQuery { reason, .. } if reason.contains("nullable field Volume.note")),
            "{err:?}"
        );
        assert!(nullable.next().await.is_none());
        // Without a prefetch the same ordering streams.
        let rows = streamed(&Volume::objects().order_by(Volume::note().asc()), &db).await;
        assert_eq!(rows.len(), VOLUMES);
        // Row locks need a transaction, streamed or not.
        let mut locked = Volume::objects().select_for_update().stream(&db);
        let err = locked.next().await.unwrap().unwrap_err();
        assert!(matches!(err, Error::InvalidQuery { .. }), "{err:?}");
        assert!(locked.next().await.is_none());
    })
    .await;
}
