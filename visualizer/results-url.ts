/** Where the page asks `attnsim viz` for the results file it was given (shared by server and page). */
export const RESULTS_URL_PATH = '/api/results';
