import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Log } from '../shared/log.ts';
import { metricsNamespace } from '../shared/operations/metric-names.ts';

/**
 * The functions' operator-facing instruments: Powertools Logger (JSON lines with cold start,
 * request id and the keys a handler appends; level from POWERTOOLS_LOG_LEVEL) and Powertools
 * Metrics (CloudWatch embedded metric format on stdout). Only the edge sees them; the core gets
 * the narrow `Log` of shared/log.ts through {@link logOf}.
 */
export interface Instruments {
  logger: Logger;
  metrics: Metrics;
}

/** Instruments for one function, named as the dashboard expects (shared/operations/metric-names.ts). */
export const createInstruments = (serviceName: string): Instruments => ({
  logger: new Logger({ serviceName }),
  metrics: new Metrics({ namespace: metricsNamespace, serviceName }),
});

/** The core's narrow log, written through a Powertools logger (fields become top-level keys). */
export const logOf = (logger: Logger): Log => ({
  info: (message, fields) => (fields ? logger.info(message, fields) : logger.info(message)),
  warn: (message, fields) => (fields ? logger.warn(message, fields) : logger.warn(message)),
  error: (message, fields) => (fields ? logger.error(message, fields) : logger.error(message)),
});
