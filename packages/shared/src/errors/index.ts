export { AppError, isAppError, describeError, type AppErrorOptions } from "./app-error.js";
export { ERROR_CODES, httpStatusOf, isErrorCode, type ErrorCode } from "./codes.js";
