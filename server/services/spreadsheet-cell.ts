/**
 * A spreadsheet runs a cell that starts with = + - @ as a formula: such a value is written as text ('…), except a
 * plain number such as an E.164 phone, which a spreadsheet only reads as that number. Every CSV export writes this.
 */
export const spreadsheetCell = (value: string) => (/^[=+\-@\t\r]/.test(value) && !/^[+-]?\d+$/.test(value) ? `'${value}` : value);
