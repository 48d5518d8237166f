import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Published answers (hỏi đáp): one per ticket, newest first over the public ones, searched without diacritics. */
export class PublishedAnswers1796401100000 implements MigrationInterface {
  name = 'PublishedAnswers1796401100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "published_answers" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "ticket_id" uuid NOT NULL, "ticket_code" character varying(40) NOT NULL, "title" character varying(200) NOT NULL, "question" text NOT NULL, "answer" text NOT NULL, "area_code" character varying(10), "area_name" character varying(300), "category_code" character varying(32), "category_name" character varying(200), "unit_name" character varying(300), "received_on" date NOT NULL, "resolved_on" date, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_by_id" uuid, "published_by_name" character varying(120) NOT NULL, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "search_text" text NOT NULL DEFAULT '', CONSTRAINT "UQ_published_answers_ticket_id" UNIQUE ("ticket_id"), CONSTRAINT "PK_published_answers" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_published_answers_listing" ON "published_answers" ("published_at" DESC, "id" DESC) WHERE "withdrawn_at" IS NULL`);
    await q.query(`CREATE INDEX "idx_published_answers_search_trgm" ON "published_answers" USING gin ("search_text" gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "published_answers"`);
  }
}
