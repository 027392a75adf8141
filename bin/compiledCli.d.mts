export declare const DIST: string;
export declare const STAMP: string;
export declare const ENTRY: string;
export declare function compiledEntry(root: string): { entry: string } | { reason: string };
