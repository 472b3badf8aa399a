use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    likes: i32,
}

fn main() {
    // Five, then two more: an annotated queryset has at most six.
    let _ = Post::objects()
        .annotate((
            Post::likes() + 1,
            Post::likes() + 2,
            Post::likes() + 3,
            Post::likes() + 4,
            Post::likes() + 5,
        ))
        .annotate((Post::likes() + 6, Post::likes() + 7));
}
