//! A model's default ordering (`#[strata(ordering(...))]`, Django's
//! `Meta.ordering`) applies when a queryset names none.

use strata::prelude::*;
use strata_tests::each_db;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ordering_team")]
pub struct Team {
    pub id: i64,
    #[strata(max_length = 20)]
    pub name: String,
    pub players: Reverse<Player>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ordering_player", ordering(rank desc, name))]
pub struct Player {
    pub id: i64,
    #[strata(max_length = 20)]
    pub name: String,
    pub rank: i32,
    #[strata(on_delete = cascade, related_name = "players")]
    pub team: ForeignKey<Team>,
}

async fn setup(db: &Db) -> Vec<Player> {
    db.create_tables(&[Team::META, Player::META]).await.unwrap();
    let mut teams = vec![
        Team {
            id: 0,
            name: "a".into(),
            players: Reverse::new(),
        },
        Team {
            id: 0,
            name: "b".into(),
            players: Reverse::new(),
        },
    ];
    Team::bulk_create(db, &mut teams).await.unwrap();
    let mut players: Vec<Player> = [
        ("zoe", 2, 0),
        ("amy", 5, 1),
        ("bob", 2, 0),
        ("cat", 9, 1),
        ("dan", 5, 0),
    ]
    .into_iter()
    .map(|(name, rank, team)| Player {
        id: 0,
        name: name.into(),
        rank,
        team: ForeignKey::to(&teams[team]),
    })
    .collect();
    Player::bulk_create(db, &mut players).await.unwrap();
    players
}

fn by_default_ordering(players: &[Player]) -> Vec<String> {
    let mut sorted = players.to_vec();
    sorted.sort_by(|a, b| b.rank.cmp(&a.rank).then_with(|| a.name.cmp(&b.name)));
    sorted.into_iter().map(|p| p.name).collect()
}

fn names(players: &[Player]) -> Vec<String> {
    players.iter().map(|p| p.name.clone()).collect()
}

#[tokio::test]
async fn a_queryset_without_order_by_uses_the_default_ordering() {
    each_db("default_ordering", |db| async move {
        let players = setup(&db).await;
        let all = Player::objects().all(&db).await.unwrap();
        assert_eq!(names(&all), by_default_ordering(&players));
        let first = Player::objects().first(&db).await.unwrap().unwrap();
        assert_eq!(first.name, by_default_ordering(&players)[0]);
        // Terminals that take no ordering still run with one declared.
        let team_b = Player::objects()
            .filter(Player::name().eq("amy"))
            .get(&db)
            .await
            .unwrap()
            .team;
        assert_eq!(Player::objects().count(&db).await.unwrap(), 5);
        assert!(Player::objects().distinct().exists(&db).await.unwrap());
        assert_eq!(Player::objects().limit(2).count(&db).await.unwrap(), 2);
        let n = Player::objects()
            .filter(Player::rank().eq(2))
            .update(&db, [Player::rank().set(3)])
            .await
            .unwrap();
        assert_eq!(n, 2);
        assert_eq!(
            Player::objects()
                .filter(Player::team().id().eq(*team_b.key()))
                .count(&db)
                .await
                .unwrap(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn order_by_replaces_the_default_ordering() {
    each_db("default_ordering_replaced", |db| async move {
        let players = setup(&db).await;
        let by_name = Player::objects()
            .order_by(Player::name())
            .all(&db)
            .await
            .unwrap();
        let mut expected = names(&players);
        expected.sort();
        assert_eq!(names(&by_name), expected);
        let sql = Player::objects().order_by([]).sql(db.dialect()).into_sql();
        assert!(!sql.contains("ORDER BY"), "{sql}");
        let unordered = Player::objects().order_by([]).all(&db).await.unwrap();
        assert_eq!(unordered.len(), players.len());
    })
    .await;
}

#[tokio::test]
async fn prefetched_rows_follow_the_default_ordering() {
    each_db("default_ordering_prefetch", |db| async move {
        let players = setup(&db).await;
        let teams = Team::objects()
            .order_by(Team::name())
            .prefetch_related(Team::players())
            .all(&db)
            .await
            .unwrap();
        for team in &teams {
            let mine: Vec<Player> = players
                .iter()
                .filter(|p| *p.team.key() == team.id)
                .cloned()
                .collect();
            assert_eq!(
                names(team.players.loaded().unwrap()),
                by_default_ordering(&mine)
            );
        }
    })
    .await;
}

#[test]
fn the_default_ordering_is_in_the_sql() {
    assert_eq!(
        Player::objects().sql(Dialect::Postgres).sql(),
        r#"SELECT "id", "name", "rank", "team_id" FROM "ordering_player" ORDER BY "rank" DESC, "name" ASC"#
    );
}
