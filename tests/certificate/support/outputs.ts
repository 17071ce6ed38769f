import * as pulumi from "@pulumi/pulumi";

/** The value of an Output, read with apply (STYLE.md: no internal `.promise()`). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}
