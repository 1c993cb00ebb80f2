import 'reflect-metadata';
import { startApp } from '@wissel/observability';
import { GATEWAY_APP_OPTIONS } from './gateway-app-options';
import { GatewayModule } from './gateway.module';

void startApp(GatewayModule, 3000, GATEWAY_APP_OPTIONS);
