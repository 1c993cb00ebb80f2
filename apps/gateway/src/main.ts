import 'reflect-metadata';
import { startApp } from '@wissel/observability';
import { GatewayModule } from './gateway.module';

void startApp(GatewayModule, 3000);
