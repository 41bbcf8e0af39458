import { createContext, useContext } from "react";

/**
 * This response's CSP nonce, for the inline scripts Remix renders. Only the server has one: in the browser the
 * scripts have already run, and browsers hide a nonce from the DOM anyway.
 */
const CspNonce = createContext<string | undefined>(undefined);

export const CspNonceProvider = CspNonce.Provider;
export const useCspNonce = () => useContext(CspNonce);
