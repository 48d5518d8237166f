import { Module } from '@nestjs/common';

/** The administration of the directory (/quan-tri): units, categories, routing rules, the holiday calendar. */
@Module({})
export class AdminModule {}
