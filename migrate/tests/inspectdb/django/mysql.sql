CREATE TABLE `library_author` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `name` varchar(100) NOT NULL);
CREATE TABLE `library_tag` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `name` varchar(50) NOT NULL UNIQUE);
CREATE TABLE `library_book` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `title` varchar(200) NOT NULL, `published` date NULL, `author_id` bigint NOT NULL);
CREATE TABLE `library_book_tags` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `book_id` bigint NOT NULL, `tag_id` bigint NOT NULL);
ALTER TABLE `library_book` ADD CONSTRAINT `library_book_author_id_title_5c7c2a6e_uniq` UNIQUE (`author_id`, `title`);
ALTER TABLE `library_book` ADD CONSTRAINT `library_book_author_id_b1a5a7d4_fk_library_author_id` FOREIGN KEY (`author_id`) REFERENCES `library_author` (`id`);
ALTER TABLE `library_book_tags` ADD CONSTRAINT `library_book_tags_book_id_tag_id_0c8a3f1e_uniq` UNIQUE (`book_id`, `tag_id`);
ALTER TABLE `library_book_tags` ADD CONSTRAINT `library_book_tags_book_id_6f1e1b0e_fk_library_book_id` FOREIGN KEY (`book_id`) REFERENCES `library_book` (`id`);
ALTER TABLE `library_book_tags` ADD CONSTRAINT `library_book_tags_tag_id_2e7b9a4c_fk_library_tag_id` FOREIGN KEY (`tag_id`) REFERENCES `library_tag` (`id`);
