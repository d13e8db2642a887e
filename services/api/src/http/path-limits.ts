/**
 * The router's `maxParamLength`: the longest path parameter it takes, measured as the router
 * measures it, in UTF-16 code units after percent-decoding. Longer than any valid id (a
 * session locator is up to 64 + 1 + 36 characters); a longer parameter is a 400.
 */
export const MAX_PARAM_LENGTH = 256;
