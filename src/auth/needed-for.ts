/**
 * A login failure's first sentence with what the credentials were for, when the caller said
 * (CredentialRequest.neededFor): "You are not logged in to https://x (needed for layer apps-devstg/base-network)."
 */
export function neededForSentence(sentence: string, neededFor: string | undefined): string {
  return neededFor ? `${sentence.replace(/\.$/, '')} (needed for ${neededFor}).` : sentence
}
