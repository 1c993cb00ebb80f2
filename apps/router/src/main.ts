import 'reflect-metadata';
import { startApp } from '@wissel/observability';
import { RouterModule } from './router.module';

void startApp(RouterModule, 3001);
