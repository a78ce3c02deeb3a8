Feature: The step library in English

  Background:
    Given today is "15/04/2026 09:00"
    And the procedure "TEST-01"
    And a user "Lan" with role "officer"
    And a user "Minh" with role "head"

  Scenario: A dossier goes from submission to approval
    When the applicant submits:
      | field      | value      |
      | full_name  | Nguyễn An  |
      | birth_date | 02/03/1990 |
      | copies     | 2          |
      | urgent     | yes        |
    Then the submission is accepted
    And the dossier is at step "reception"
    And the due date is "20/04/2026"
    And "Lan" can perform "accept"
    And "Minh" cannot perform "approve"
    When "Lan" performs "accept"
    Then the dossier is at step "review"
    When "Minh" performs "approve"
    Then the dossier is at step "done"
    And the dossier is on time
    And the history shows:
      | action  |
      | submit  |
      | accept  |
      | approve |
    And the applicant's tracking page shows "Approved: the result has been issued"

  Scenario: A refused submission names the field in error
    When the applicant submits:
      | field      | value      |
      | birth_date | 31/02/1990 |
      | copies     | 9          |
    Then the submission is rejected with an error on field "full_name"
    And the submission is rejected with an error on field "copies": "5"

  Scenario: A dossier finished after its due date is late
    Given a dossier of "TEST-01" submitted with the example data
    When "Lan" performs "accept"
    And 4 working days pass
    Then the dossier is overdue
    When "Minh" performs "refuse" with:
      | field  | value              |
      | reason | Không đủ điều kiện |
    Then the dossier is at step "refused"
    And the dossier is late

  Scenario: The deadline skips the 30/4 and 1/5 holidays
    Given today is "29/04/2026 09:00"
    When the applicant submits the example data
    Then the submission is accepted
    And the due date is "06/05/2026"

  Scenario: The applicant withdraws with a reason
    Given a dossier of "TEST-01" submitted with the example data
    When the applicant performs "withdraw" with:
      | field | value                |
      | reason | Không còn nhu cầu   |
    Then the dossier is at step "withdrawn"
