// @ts-check
// Prettier, set to the style the code was written in before it had a formatter: 4-space indent,
// double quotes, semicolons, trailing commas everywhere (Prettier 3's defaults for the last three).
// printWidth was measured: formatting the repository at 150/160/170/180/200/220 changed
// 3027/2435/2134/1990/1944/1919 lines. 180 is where wider stops paying (beyond it, fewer lines
// are broken but more are joined into lines longer than 99% of the code's own).
/** @type {import("prettier").Config} */
export default {
    tabWidth: 4,
    printWidth: 180,
};
