// The example stack: reads the stack configuration and declares the vendor connections.
// It holds no logic of its own; everything lives in ./components.
export {};
