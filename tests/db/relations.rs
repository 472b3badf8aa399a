//! Relations on every database: foreign keys and one-to-one fields,
//! filters across them, select_related in one query, explicit lazy
//! loading, and every on_delete behaviour.

use strata::prelude::*;
use strata_tests::each_db;
use strata_tests::relations::*;

/// Two publishers, three writers (one without publisher), four books,
/// reviews, and a bio.
struct Library {
    publishers: Vec<Publisher>,
    writers: Vec<Writer>,
    books: Vec<Book>,
    reviews: Vec<Review>,
}

async fn library_db(db: &Db) -> Library {
    db.create_tables(&library()).await.unwrap();
    let mut publishers = vec![
        Publisher {
            id: 0,
            name: "Orbit".into(),
        },
        Publisher {
            id: 0,
            name: "Tor".into(),
        },
    ];
    for p in &mut publishers {
        p.insert(db).await.unwrap();
    }
    let mut writers = vec![
        Writer {
            id: 0,
            name: "Ann".into(),
            publisher: Some(ForeignKey::to(&publishers[0])),
        },
        Writer {
            id: 0,
            name: "Bob".into(),
            publisher: Some(ForeignKey::to(&publishers[1])),
        },
        Writer {
            id: 0,
            name: "Cy".into(),
            publisher: None,
        },
    ];
    for w in &mut writers {
        w.insert(db).await.unwrap();
    }
    let mut books = vec![
        Book {
            id: 0,
            title: "Ancillary".into(),
            writer: ForeignKey::to(&writers[0]),
            pages: 400,
        },
        Book {
            id: 0,
            title: "Bones".into(),
            writer: ForeignKey::to(&writers[1]),
            pages: 200,
        },
        Book {
            id: 0,
            title: "Bridges".into(),
            writer: ForeignKey::to(&writers[1]),
            pages: 300,
        },
        Book {
            id: 0,
            title: "Cycles".into(),
            writer: ForeignKey::to(&writers[2]),
            pages: 100,
        },
    ];
    Book::bulk_create(db, &mut books).await.unwrap();
    let mut reviews: Vec<Review> = books
        .iter()
        .enumerate()
        .map(|(i, b)| Review {
            id: 0,
            book: ForeignKey::to(b),
            stars: (i % 5) as i16 + 1,
        })
        .collect();
    Review::bulk_create(db, &mut reviews).await.unwrap();
    let mut bio = Bio {
        id: 0,
        writer: OneToOne::to(&writers[0]),
        text: "Ann's life".into(),
    };
    bio.insert(db).await.unwrap();
    Library {
        publishers,
        writers,
        books,
        reviews,
    }
}

#[tokio::test]
async fn a_foreign_key_is_not_loaded_until_asked_and_fetch_runs_one_query() {
    each_db("fk_fetch", |db| async move {
        let lib = library_db(&db).await;
        let book = Book::objects()
            .filter(Book::title().eq("Bones"))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(*book.writer.key(), lib.writers[1].id);
        assert!(
            book.writer.get().is_none(),
            "not loaded without select_related"
        );
        assert!(matches!(
            book.writer.loaded(),
            Err(strata::Error::NotLoaded { .. })
        ));
        let before = db.query_count();
        let writer = book.writer.fetch(&db).await.unwrap();
        assert_eq!(db.query_count() - before, 1);
        assert_eq!(writer, lib.writers[1]);
        let mut book = book;
        book.writer.load(&db).await.unwrap();
        assert_eq!(book.writer.get(), Some(&lib.writers[1]));
    })
    .await;
}

#[tokio::test]
async fn select_related_loads_a_forward_relation_in_one_query() {
    each_db("select_related_one", |db| async move {
        let lib = library_db(&db).await;
        let before = db.query_count();
        let books = Book::objects()
            .select_related(Book::writer())
            .order_by(Book::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            db.query_count() - before,
            1,
            "one query for books and writers"
        );
        assert_eq!(books, lib.books);
        for book in &books {
            let naive = book.writer.fetch(&db).await.unwrap();
            assert_eq!(book.writer.get(), Some(&naive));
        }
    })
    .await;
}

#[tokio::test]
async fn select_related_follows_several_levels_and_nullable_keys_load_as_absent() {
    each_db("select_related_deep", |db| async move {
        let lib = library_db(&db).await;
        let before = db.query_count();
        let reviews = Review::objects()
            .select_related(Review::book().writer().publisher())
            .order_by(Review::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.query_count() - before, 1, "three levels, one query");
        assert_eq!(reviews.len(), lib.reviews.len());
        for review in &reviews {
            let book = review.book.get().expect("book loaded");
            let naive_book = review.book.fetch(&db).await.unwrap();
            assert_eq!(book, &naive_book);
            let writer = book.writer.get().expect("writer loaded");
            assert_eq!(writer, &book.writer.fetch(&db).await.unwrap());
            match &writer.publisher {
                Some(fk) => {
                    let publisher = fk.get().expect("publisher loaded");
                    assert_eq!(publisher, &fk.fetch(&db).await.unwrap());
                }
                None => assert_eq!(writer.name, "Cy"),
            }
        }
        // A nullable first hop: writers without a publisher still come back.
        let writers = Writer::objects()
            .select_related(Writer::publisher())
            .order_by(Writer::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(writers.len(), 3);
        assert_eq!(
            writers[0].publisher.as_ref().and_then(|p| p.get()),
            Some(&lib.publishers[0])
        );
        assert!(writers[2].publisher.is_none());
    })
    .await;
}

#[tokio::test]
async fn filters_and_ordering_follow_forward_relations() {
    each_db("filter_across", |db| async move {
        let lib = library_db(&db).await;
        let by_bob = Book::objects()
            .filter(Book::writer().name().eq("Bob"))
            .order_by(Book::title())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(by_bob, vec![lib.books[1].clone(), lib.books[2].clone()]);
        // Two hops, through a nullable key.
        let orbit_reviews = Review::objects()
            .filter(Review::book().writer().publisher().name().eq("Orbit"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(orbit_reviews, vec![lib.reviews[0].clone()]);
        // NOT across a nullable join keeps the rows whose join found nothing.
        let not_orbit = Writer::objects()
            .exclude(Writer::publisher().name().eq("Orbit"))
            .order_by(Writer::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            not_orbit,
            vec![lib.writers[1].clone(), lib.writers[2].clone()]
        );
        // Ordering by a related field, and count/exists with joins.
        let by_writer = Book::objects()
            .order_by([Book::writer().name().desc(), Book::title().asc()])
            .all(&db)
            .await
            .unwrap();
        let titles: Vec<&str> = by_writer.iter().map(|b| b.title.as_str()).collect();
        assert_eq!(titles, ["Cycles", "Bones", "Bridges", "Ancillary"]);
        let long_by_bob = Book::objects()
            .filter(Book::writer().name().eq("Bob"))
            .filter(Book::pages().gt(250));
        assert_eq!(long_by_bob.count(&db).await.unwrap(), 1);
        assert!(long_by_bob.exists(&db).await.unwrap());
        // The key of a related row needs no join.
        let ann_books = Book::objects().filter(Book::writer().id().eq(lib.writers[0].id));
        assert!(!ann_books.sql(db.dialect()).sql().contains("JOIN"));
        assert_eq!(
            ann_books.all(&db).await.unwrap(),
            vec![lib.books[0].clone()]
        );
    })
    .await;
}

#[tokio::test]
async fn update_and_delete_accept_filters_across_relations() {
    each_db("mutate_across", |db| async move {
        library_db(&db).await;
        let changed = Book::objects()
            .filter(Book::writer().name().eq("Bob"))
            .update(&db, [Book::pages().set(999)])
            .await
            .unwrap();
        assert_eq!(changed, 2);
        assert_eq!(
            Book::objects()
                .filter(Book::pages().eq(999))
                .count(&db)
                .await
                .unwrap(),
            2
        );
        // `Book::writer().name().set(..)` does not compile (see
        // tests/ui/set_through_relation.rs).
        let deleted = Review::objects()
            .filter(Review::book().writer().name().eq("Bob"))
            .delete(&db)
            .await
            .unwrap();
        assert_eq!(deleted, 2);
        assert_eq!(Review::objects().count(&db).await.unwrap(), 2);
    })
    .await;
}

#[tokio::test]
async fn one_to_one_is_unique_and_loads_like_a_foreign_key() {
    each_db("one_to_one", |db| async move {
        let lib = library_db(&db).await;
        let second = Bio {
            id: 0,
            writer: OneToOne::to(&lib.writers[0]),
            text: "again".into(),
        }
        .insert(&db)
        .await;
        assert!(second.is_err(), "one bio per writer");
        let bio = Bio::objects()
            .select_related(Bio::writer())
            .get(&db)
            .await
            .unwrap();
        assert_eq!(bio.writer.get(), Some(&lib.writers[0]));
        let by_name = Bio::objects()
            .filter(Bio::writer().name().eq("Ann"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(by_name, 1);
    })
    .await;
}

async fn on_delete_db(db: &Db) -> (Owner, Owner) {
    db.create_tables(&on_delete_models()).await.unwrap();
    let mut fallback = Owner {
        id: 0,
        name: "fallback".into(),
    };
    fallback.insert(db).await.unwrap();
    assert_eq!(fallback.id, 1, "set_default refers to owner 1");
    let mut owner = Owner {
        id: 0,
        name: "owner".into(),
    };
    owner.insert(db).await.unwrap();
    (fallback, owner)
}

#[tokio::test]
async fn on_delete_cascade_deletes_the_referring_rows() {
    each_db("on_delete_cascade", |db| async move {
        let (fallback, owner) = on_delete_db(&db).await;
        CascadeRef {
            id: 0,
            owner: ForeignKey::to(&owner),
        }
        .insert(&db)
        .await
        .unwrap();
        CascadeRef {
            id: 0,
            owner: ForeignKey::to(&fallback),
        }
        .insert(&db)
        .await
        .unwrap();
        assert!(owner.delete(&db).await.unwrap());
        let left = CascadeRef::objects().all(&db).await.unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(*left[0].owner.key(), fallback.id);
    })
    .await;
}

#[tokio::test]
async fn on_delete_set_null_clears_the_key() {
    each_db("on_delete_set_null", |db| async move {
        let (_, owner) = on_delete_db(&db).await;
        let mut r = SetNullRef {
            id: 0,
            owner: Some(ForeignKey::to(&owner)),
        };
        r.insert(&db).await.unwrap();
        Owner::objects()
            .filter(Owner::name().eq("owner"))
            .delete(&db)
            .await
            .unwrap();
        r.refresh(&db).await.unwrap();
        assert!(r.owner.is_none());
    })
    .await;
}

#[tokio::test]
async fn on_delete_set_default_points_at_the_default_row() {
    each_db("on_delete_set_default", |db| async move {
        let (fallback, owner) = on_delete_db(&db).await;
        let mut r = SetDefaultRef {
            id: 0,
            owner: ForeignKey::to(&owner),
        };
        r.insert(&db).await.unwrap();
        assert!(owner.delete(&db).await.unwrap());
        r.refresh(&db).await.unwrap();
        assert_eq!(*r.owner.key(), fallback.id);
    })
    .await;
}

#[tokio::test]
async fn on_delete_restrict_and_do_nothing_are_refused_by_the_database() {
    each_db("on_delete_restrict", |db| async move {
        let (_, owner) = on_delete_db(&db).await;
        RestrictRef {
            id: 0,
            owner: ForeignKey::to(&owner),
        }
        .insert(&db)
        .await
        .unwrap();
        let err = owner.delete(&db).await.unwrap_err();
        assert!(
            matches!(&err, strata::Error::ForeignKeyViolation { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("DELETE FROM"), "{err}");
        RestrictRef::objects().delete(&db).await.unwrap();
        DoNothingRef {
            id: 0,
            owner: ForeignKey::to(&owner),
        }
        .insert(&db)
        .await
        .unwrap();
        let err = owner.delete(&db).await.unwrap_err();
        assert!(
            matches!(&err, strata::Error::ForeignKeyViolation { .. }),
            "{err}"
        );
        assert_eq!(
            Owner::objects().count(&db).await.unwrap(),
            2,
            "nothing deleted"
        );
    })
    .await;
}

#[tokio::test]
async fn on_delete_protect_refuses_with_an_error_naming_the_protector() {
    each_db("on_delete_protect", |db| async move {
        let (_, owner) = on_delete_db(&db).await;
        ProtectRef {
            id: 0,
            owner: ForeignKey::to(&owner),
        }
        .insert(&db)
        .await
        .unwrap();
        ProtectRef {
            id: 0,
            owner: ForeignKey::to(&owner),
        }
        .insert(&db)
        .await
        .unwrap();
        let err = Owner::objects().delete(&db).await.unwrap_err();
        match &err {
            strata::Error::Protected {
                model,
                protected_by,
                count,
            } => {
                assert_eq!(*model, "Owner");
                assert_eq!(protected_by, "ProtectRef.owner");
                assert_eq!(*count, 2);
            }
            other => panic!("expected Protected, got {other:?}"),
        }
        assert!(err.to_string().contains("ProtectRef.owner"));
        assert_eq!(
            Owner::objects().count(&db).await.unwrap(),
            2,
            "nothing deleted"
        );
        ProtectRef::objects().delete(&db).await.unwrap();
        assert!(owner.delete(&db).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn protect_below_a_cascade_refuses_the_delete_too() {
    each_db("protect_through_cascade", |db| async move {
        let (_, owner) = on_delete_db(&db).await;
        let mut middle = CascadeRef { id: 0, owner: ForeignKey::to(&owner) };
        middle.insert(&db).await.unwrap();
        CascadeGuard { id: 0, cascade_ref: ForeignKey::to(&middle) }.insert(&db).await.unwrap();
        let err = owner.delete(&db).await.unwrap_err();
        assert!(
            matches!(&err, strata::Error::Protected { protected_by, .. } if protected_by == "CascadeGuard.cascade_ref"),
            "{err:?}"
        );
        assert_eq!(CascadeRef::objects().count(&db).await.unwrap(), 1);
    })
    .await;
}
