import { Module } from '@nestjs/common';
import { Views } from './views.js';

/** The view layer: Nunjucks templates under ./templates, static CSS and scripts under ./static (served at /static). */
@Module({ providers: [Views], exports: [Views] })
export class ViewsModule {}
