-- The id the next decision gets, taken before it is written so its audit row can name it.
SELECT nextval('review_decision_seq') AS decision_id;
