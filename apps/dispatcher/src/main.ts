import 'reflect-metadata';
import { startApp } from '@wissel/observability';
import { DispatcherModule } from './dispatcher.module';

void startApp(DispatcherModule, 3002);
