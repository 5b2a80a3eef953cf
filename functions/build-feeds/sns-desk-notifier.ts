import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { DeskNotifier, RejectionNotice } from '../../shared/publish/rejection-notice.ts';

/** The desk port on SNS: one message per notice on the topic the stack created for the desk. */
export class SnsDeskNotifier implements DeskNotifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(options: { client: SNSClient; topicArn: string }) {
    this.#client = options.client;
    this.#topicArn = options.topicArn;
  }

  async notify(notice: RejectionNotice): Promise<void> {
    await this.#client.send(
      new PublishCommand({ TopicArn: this.#topicArn, Subject: notice.subject, Message: notice.body }),
    );
  }
}

/** An SNS client in the function's region (AWS_REGION, set by Lambda). */
export const createSnsClient = (region: string | undefined): SNSClient =>
  new SNSClient(region === undefined ? {} : { region });
