-- The id the next term proposal gets, taken before it is written so its audit row can name it.
SELECT nextval('lexicon_proposal_seq') AS proposal_id;
