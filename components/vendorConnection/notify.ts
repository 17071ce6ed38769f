import * as pulumi from "@pulumi/pulumi";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import { NotifyPlan } from "./notifyPlan";

/** Where rotation notices come from: the vault's Event Grid system topic and its resource group. */
export interface NoticeSource {
    readonly systemTopicName: pulumi.Input<string>;
    readonly resourceGroupName: pulumi.Input<string>;
}

/**
 * One event subscription on the vault's system topic that sends this connection's rotation
 * notices to the vendor's webhook. Event Grid validates the webhook when the subscription is
 * created (it must answer the subscription validation handshake), so a wrong URL fails the deploy
 * rather than silently dropping notices.
 */
export function declareRotationNotice(parent: pulumi.Resource, name: string, plan: NotifyPlan, secretName: string, source: NoticeSource): eventgrid.SystemTopicEventSubscription {
    return new eventgrid.SystemTopicEventSubscription(
        `${name}-notify`,
        {
            resourceGroupName: source.resourceGroupName,
            systemTopicName: source.systemTopicName,
            eventSubscriptionName: plan.eventSubscriptionName,
            destination: {
                endpointType: "WebHook",
                // Secret: webhook URLs often carry an access key in their query string.
                endpointUrl: pulumi.secret(plan.webhookUrl),
            },
            filter: {
                includedEventTypes: [...plan.eventTypes],
                // A Key Vault event's subject is the bare secret name. StringIn matches it exactly;
                // a subject prefix would also match e.g. `<name>-old` of another connection.
                advancedFilters: [{ operatorType: "StringIn", key: "subject", values: [secretName] }],
            },
        },
        { parent },
    );
}
