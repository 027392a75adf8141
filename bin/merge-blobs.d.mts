export declare function blobRoot(values: readonly unknown[]): string | undefined;
export declare function relocateBlob(text: string, newRoot: string): string;
