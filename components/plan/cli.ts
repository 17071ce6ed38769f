// Placeholder until the plan issue lands: `npm run plan` evaluates the example stack offline.
console.log("npm run plan: not yet implemented (see the plan issue).");
